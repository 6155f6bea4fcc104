/**
 * Checks arguments against their class-validator decorators (`@Min`, `@Max`, …), as type-graphql's
 * built-in validation does (missing properties skipped, unknown values allowed), but with
 * class-validator imported once: type-graphql's own path runs `await import("class-validator")` for
 * every validated argument of every request.
 *
 * A violation's path starts at the argument's name as the client wrote it: an `@Args()` class's
 * properties are argument names already, while a single input argument (`@Arg("artwork")`) is
 * wrapped in an error named after that argument, so the client sees "artwork.webUrl", not "webUrl".
 */
import { ValidationError, validateOrReject, type ValidatorOptions } from "class-validator";
import { getNamedType, type GraphQLResolveInfo } from "graphql";
import { ArgumentValidationError, type ValidatorFn } from "type-graphql";

const OPTIONS: ValidatorOptions = { skipMissingProperties: true, forbidUnknownValues: false };

const isObject = (value: unknown): value is object => value !== null && typeof value === "object";

/** The name of the field argument whose GraphQL type is `argType`'s class; null for an `@Args()` class. */
function argumentNameOf(argType: unknown, info: GraphQLResolveInfo | undefined): string | null {
  if (!info || typeof argType !== "function") return null;
  const field = info.parentType.getFields()[info.fieldName];
  const arg = field?.args.find((a) => getNamedType(a.type).name === argType.name);
  return arg?.name ?? null;
}

function under(name: string, errors: ValidationError[]): ValidationError[] {
  const wrapper = new ValidationError();
  wrapper.property = name;
  wrapper.children = errors;
  return [wrapper];
}

export const validateArgs: ValidatorFn = async (value, argType, resolverData) => {
  if (!isObject(value)) return;
  try {
    if (Array.isArray(value)) {
      const results = await Promise.all(value.map((item) => (isObject(item) ? validateOrReject(item, OPTIONS).then(() => null, (e: ValidationError[]) => e) : null)));
      const failed = results.findIndex((r) => r !== null);
      if (failed >= 0) throw under(String(failed), results[failed] as ValidationError[]);
    } else await validateOrReject(value, OPTIONS);
  } catch (e) {
    const name = argumentNameOf(argType, resolverData?.info);
    const errors = e as ValidationError[];
    throw new ArgumentValidationError((name ? under(name, errors) : errors) as ConstructorParameters<typeof ArgumentValidationError>[0]);
  }
};
