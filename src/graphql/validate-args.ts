/**
 * Checks arguments against their class-validator decorators (`@Min`, `@Max`, …), as type-graphql's
 * built-in validation does (missing properties skipped, unknown values allowed), but with
 * class-validator imported once: type-graphql's own path runs `await import("class-validator")` for
 * every validated argument of every request.
 *
 * A violation's path starts at the argument's name as the client wrote it: an `@Args()` class's
 * properties are argument names already, while a single input argument (`@Arg("artwork")`) is
 * wrapped in an error named after that argument, so the client sees "artwork.webUrl", not "webUrl".
 *
 * Every string of every argument is also checked for what no store can hold: a NUL character
 * (U+0000; PostgreSQL text refuses it) or a lone UTF-16 surrogate (no UTF-8 form). Such a value is a
 * BAD_USER_INPUT naming its path, e.g. "filter.departments.2".
 */
import { getMetadataStorage, ValidationError, validateOrReject, type ValidatorOptions } from "class-validator";
import { getNamedType, type GraphQLResolveInfo } from "graphql";
import { ArgumentValidationError, type ValidatorFn } from "type-graphql";
import { InvalidInputError } from "../domain/errors.ts";

const OPTIONS: ValidatorOptions = { skipMissingProperties: true, forbidUnknownValues: false };

const isObject = (value: unknown): value is object => value !== null && typeof value === "object";

/** Checks whose outcome depends on the checked value alone (not on other properties of the object). */
const VALUE_ONLY = new Set(["min", "max", "minLength", "maxLength", "isUrl", "arrayMaxSize", "arrayMinSize", "isInt", "isPositive"]);
/** Passing value combinations remembered per class, before they are all forgotten. */
const REMEMBERED = 1000;

interface Passed {
  /** The properties the class's checks read. */
  readonly properties: readonly string[];
  /** Keys (see passedKey) of value combinations that passed. */
  readonly keys: Set<string>;
}

/**
 * Per argument class: the properties its checks read and the value combinations that passed, or null
 * when a check may read more than its own value (then every call validates). The usual request repeats
 * the same few values (`first: 10`), and class-validator gathers a class's checks anew on every call
 * (~0.05 ms a request): a combination that passed once passes again.
 */
const passedByClass = new WeakMap<object, Passed | null>();

function passedOf(cls: Function): Passed | null {
  let passed = passedByClass.get(cls);
  if (passed === undefined) {
    const checks = getMetadataStorage().getTargetValidationMetadatas(cls, "", true, false);
    const valueOnly = checks.every((m) => m.type === "nestedValidation" || (m.type === "customValidation" && VALUE_ONLY.has(m.name ?? "")));
    passed = valueOnly ? { properties: [...new Set(checks.map((m) => m.propertyName))], keys: new Set() } : null;
    passedByClass.set(cls, passed);
  }
  return passed;
}

/** The checked values of `value` as a key, or null when one is an object (nested checks: always validated). */
function passedKey(value: object, properties: readonly string[]): string | null {
  let key = "";
  for (const p of properties) {
    const v = (value as Record<string, unknown>)[p];
    if (v !== null && (typeof v === "object" || typeof v === "function")) return null;
    key += `${v === undefined ? "u" : v === null ? "n" : `${typeof v}:${String(v)}`}\u0000`;
  }
  return key;
}

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

/** A NUL character, or a surrogate that is not half of a pair. */
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** The path of the first string under `value` that no store can hold, or null. */
function unstorable(value: unknown, path: string): string | null {
  if (typeof value === "string") return UNSTORABLE.test(value) ? path : null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const bad = unstorable(value[i], `${path}.${i}`);
      if (bad) return bad;
    }
    return null;
  }
  if (isObject(value)) {
    for (const [k, v] of Object.entries(value)) {
      const bad = unstorable(v, `${path}.${k}`);
      if (bad) return bad;
    }
  }
  return null;
}

/** Refuses the field's arguments when a string among them holds a NUL character or a lone surrogate. */
function checkStorable(args: Record<string, unknown> | undefined): void {
  for (const [name, value] of Object.entries(args ?? {})) {
    const bad = unstorable(value, name);
    if (bad) throw new InvalidInputError(bad, `\`${bad}\` holds a NUL character (U+0000) or a broken UTF-16 surrogate, which cannot be stored or searched; remove it.`);
  }
}

export const validateArgs: ValidatorFn = async (value, argType, resolverData) => {
  if (!isObject(value)) {
    checkStorable(resolverData?.args);
    return;
  }
  try {
    if (Array.isArray(value)) {
      const results = await Promise.all(value.map((item) => (isObject(item) ? validateOrReject(item, OPTIONS).then(() => null, (e: ValidationError[]) => e) : null)));
      const failed = results.findIndex((r) => r !== null);
      if (failed >= 0) throw under(String(failed), results[failed] as ValidationError[]);
    } else {
      const passed = passedOf(value.constructor);
      const key = passed && passedKey(value, passed.properties);
      if (key === null || !passed?.keys.has(key)) {
        await validateOrReject(value, OPTIONS);
        if (passed && key !== null) {
          if (passed.keys.size >= REMEMBERED) passed.keys.clear();
          passed.keys.add(key);
        }
      }
    }
  } catch (e) {
    const name = argumentNameOf(argType, resolverData?.info);
    const errors = e as ValidationError[];
    throw new ArgumentValidationError((name ? under(name, errors) : errors) as ConstructorParameters<typeof ArgumentValidationError>[0]);
  }
  checkStorable(resolverData?.args);
};
