/**
 * Checks arguments against their class-validator decorators (`@Min`, `@Max`, …), as type-graphql's
 * built-in validation does (missing properties skipped, unknown values allowed), but with
 * class-validator imported once: type-graphql's own path runs `await import("class-validator")` for
 * every validated argument of every request.
 */
import { validateOrReject, type ValidatorOptions } from "class-validator";
import { ArgumentValidationError, type ValidatorFn } from "type-graphql";

const OPTIONS: ValidatorOptions = { skipMissingProperties: true, forbidUnknownValues: false };

const isObject = (value: unknown): value is object => value !== null && typeof value === "object";

export const validateArgs: ValidatorFn = async (value) => {
  if (!isObject(value)) return;
  try {
    if (Array.isArray(value)) await Promise.all(value.filter(isObject).map((item) => validateOrReject(item, OPTIONS)));
    else await validateOrReject(value, OPTIONS);
  } catch (e) {
    throw new ArgumentValidationError(e as ConstructorParameters<typeof ArgumentValidationError>[0]);
  }
};
