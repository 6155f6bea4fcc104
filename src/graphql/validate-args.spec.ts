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

describe("validateArgs", () => {
  it("should still refuse a value out of range after the same class passed with other values", async () => {
    await validateArgs(args(10), PageArgs, undefined);
    await validateArgs(args(10, "b"), PageArgs, undefined);
    await expect(validateArgs(args(0), PageArgs, undefined)).rejects.toBeInstanceOf(ArgumentValidationError);
    await expect(validateArgs(args(101), PageArgs, undefined)).rejects.toBeInstanceOf(ArgumentValidationError);
    await validateArgs(args(100), PageArgs, undefined);
  });

  it("should refuse a NUL character in a string argument even when the checked values passed before", async () => {
    await validateArgs(args(10), PageArgs, { args: { first: 10, id: "a" } } as never);
    await expect(validateArgs(args(10, "a\u0000"), PageArgs, { args: { first: 10, id: "a\u0000" } } as never)).rejects.toMatchObject({ field: "id" });
  });
});
