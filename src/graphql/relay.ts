/** Global object ids (Relay): base64 of "Type:internalID", decoded back for lookups. */
import { InvalidInputError, NotFoundError } from "../domain/errors.ts";
import { isUuid } from "../domain/uuid.ts";

export type NodeTypeName = "Artwork" | "Artist";

export function toGlobalId(type: NodeTypeName, internalId: string): string {
  return Buffer.from(`${type}:${internalId}`).toString("base64url");
}

/** Decodes a global id (or accepts a bare internalID); null when it is neither. */
export function parseGlobalId(id: string): { type: NodeTypeName | null; internalId: string } | null {
  if (isUuid(id)) return { type: null, internalId: id.toLowerCase() };
  const decoded = Buffer.from(id, "base64url").toString("utf8");
  const m = /^(Artwork|Artist):(.+)$/.exec(decoded);
  if (!m || !isUuid(m[2])) return null;
  return { type: m[1] as NodeTypeName, internalId: m[2].toLowerCase() };
}

/**
 * The one rule for an id of the wrong type, the same everywhere: a well-formed id of another type
 * names no object of the type asked for, and is answered exactly as an unknown id in that place.
 * - Lookups and selections (`node`, `nodes`, `artwork`, `artist`, filters' and exclusions' id lists):
 *   null, or matching nothing (lookupId, selectId).
 * - Operations that need the object (similar works, recommendations' examples, explanations, every
 *   mutation's ids and credited artists): NOT_FOUND naming the argument (expectId).
 * A string that is no id at all is BAD_USER_INPUT naming the argument, except in lookups (null).
 */

/** The internal id a lookup of `type` should load, or null when `id` cannot name one (lookups answer null). */
export function lookupId(id: string, type: NodeTypeName): string | null {
  const parsed = parseGlobalId(id);
  if (!parsed || (parsed.type !== null && parsed.type !== type)) return null;
  return parsed.internalId;
}

/** The internal id of an object of `type`: NOT_FOUND naming `field` for an id of another type, BAD_USER_INPUT for no id at all. */
export function expectId(id: string, type: NodeTypeName, field: string): string {
  const parsed = parseGlobalId(id);
  if (!parsed) {
    throw new InvalidInputError(field, `"${id}" is not an id; use the \`id\` (or \`internalID\`) field of an ${type}.`);
  }
  if (parsed.type !== null && parsed.type !== type) {
    throw new NotFoundError(`No ${type} with id "${id}": it is the id of an ${parsed.type}; use the \`id\` (or \`internalID\`) field of an ${type}.`, field);
  }
  return parsed.internalId;
}

/**
 * The internal id to select by in a filter or exclusion: an id of another type selects nothing (as an
 * unknown id does), a string that is no id is BAD_USER_INPUT naming `field`.
 */
export function selectId(id: string, type: NodeTypeName, field: string): string {
  const parsed = parseGlobalId(id);
  if (!parsed) throw new InvalidInputError(field, `"${id}" is not an id; use the \`id\` (or \`internalID\`) field of an ${type}.`);
  // another type's uuid is the id of nothing of this type: the condition matches no row, as an unknown id
  return parsed.internalId;
}
