/** Global object ids (Relay): base64 of "Type:internalID", decoded back for lookups. */
import { InvalidInputError } from "../domain/errors.ts";

export type NodeTypeName = "Artwork" | "Artist";

export function toGlobalId(type: NodeTypeName, internalId: string): string {
  return Buffer.from(`${type}:${internalId}`).toString("base64url");
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Decodes a global id (or accepts a bare internalID); null when it is neither. */
export function parseGlobalId(id: string): { type: NodeTypeName | null; internalId: string } | null {
  if (UUID.test(id)) return { type: null, internalId: id.toLowerCase() };
  const decoded = Buffer.from(id, "base64url").toString("utf8");
  const m = /^(Artwork|Artist):(.+)$/.exec(decoded);
  if (!m || !UUID.test(m[2])) return null;
  return { type: m[1] as NodeTypeName, internalId: m[2].toLowerCase() };
}

/** The internal id of an object of `type`, or a BAD_USER_INPUT naming `field`. */
export function expectId(id: string, type: NodeTypeName, field: string): string {
  const parsed = parseGlobalId(id);
  if (!parsed || (parsed.type !== null && parsed.type !== type)) {
    throw new InvalidInputError(field, `"${id}" is not the id of an ${type}; use the \`id\` (or \`internalID\`) field of an ${type}.`);
  }
  return parsed.internalId;
}
