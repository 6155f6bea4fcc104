import "reflect-metadata";
import { Max, Min } from "class-validator";
import { ArgumentValidationError } from "type-graphql";
import { describe, expect, it } from "vitest";
import { validateArgs } from "./validate-args.ts";

class PageArgs {
  @Min(1)
  @Max(100)
  first!: number;

  id!: string;
}

const args = (first: number, id = "a") => Object.assign(new PageArgs(), { first, id });
/** What type-graphql hands the validator: the field's raw arguments. */
const data = (first: number, id = "a") => ({ args: { first, id } }) as unknown as Parameters<typeof validateArgs>[2];

describe("validateArgs", () => {
  it("should still refuse a value out of range after the same class passed with other values", async () => {
    await validateArgs(args(10), PageArgs, data(10));
    await validateArgs(args(10, "b"), PageArgs, data(10, "b"));
    await expect(validateArgs(args(0), PageArgs, data(0))).rejects.toBeInstanceOf(ArgumentValidationError);
    await expect(validateArgs(args(101), PageArgs, data(101))).rejects.toBeInstanceOf(ArgumentValidationError);
    await validateArgs(args(100), PageArgs, data(100));
  });

  it("should refuse a NUL character in a string argument even when the checked values passed before", async () => {
    await validateArgs(args(10), PageArgs, data(10));
    await expect(validateArgs(args(10, "a\u0000"), PageArgs, data(10, "a\u0000"))).rejects.toMatchObject({ field: "id" });
  });
});
