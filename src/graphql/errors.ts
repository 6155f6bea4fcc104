/**
 * The one place where failures become what a client sees (STYLE.md, "Errors: one rule"): domain errors
 * keep their code, message and field; validation and auth errors get theirs; anything else becomes
 * INTERNAL_SERVER_ERROR with a generic message and is logged with the request id. No stack, SQL or
 * file path ever reaches a response.
 */
import { unwrapResolverError } from "@apollo/server/errors";
import { GraphQLError, type GraphQLFormattedError } from "graphql";
import { ArgumentValidationError } from "type-graphql";
import type { ValidationError } from "class-validator";
import { isDomainError, type ErrorCode } from "../domain/errors.ts";
import { toGlobalId } from "./relay.ts";

/** Every code a client can see. */
export type ClientErrorCode =
  | ErrorCode
  | "INTERNAL_SERVER_ERROR"
  | "GRAPHQL_PARSE_FAILED"
  | "GRAPHQL_VALIDATION_FAILED"
  | "BAD_REQUEST"
  | "PERSISTED_QUERY_NOT_FOUND"
  | "PERSISTED_QUERY_NOT_SUPPORTED"
  | "OPERATION_RESOLUTION_FAILURE";

declare module "graphql" {
  interface GraphQLErrorExtensions {
    code?: ClientErrorCode;
    /**
     * Path of the offending value in the client's own request: the argument name, then input fields
     * and list indices joined with dots ("artwork.artists.0.artistId", "filter.text").
     */
    field?: string;
    /** The object the request collides with (CONFLICT), e.g. the artist a createArtist would duplicate. */
    existing?: { id: string; internalID: string; name: string };
    requestId?: string;
  }
}

const PASS_THROUGH = new Set<string>([
  "GRAPHQL_PARSE_FAILED",
  "GRAPHQL_VALIDATION_FAILED",
  "BAD_USER_INPUT",
  "BAD_REQUEST",
  "PERSISTED_QUERY_NOT_FOUND",
  "PERSISTED_QUERY_NOT_SUPPORTED",
  "OPERATION_RESOLUTION_FAILURE",
  "PAYLOAD_TOO_LARGE",
  "QUERY_TOO_EXPENSIVE",
]);

function firstViolation(errors: ValidationError[], prefix: string): { field: string; message: string } | null {
  for (const e of errors) {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    if (e.constraints) return { field, message: Object.values(e.constraints)[0] };
    const nested = firstViolation(e.children ?? [], field);
    if (nested) return nested;
  }
  return null;
}

/** Input argument names whose class-validator errors name nested paths. */
function validationPayload(error: ArgumentValidationError): { field: string; message: string } {
  const v = firstViolation(error.extensions.validationErrors as unknown as ValidationError[], "");
  return v ? { field: v.field, message: `Invalid value for ${v.field}: ${v.message}.` } : { field: "", message: "Invalid input." };
}

export interface FormatOptions {
  readonly logUnexpected: (error: unknown, requestId: string | undefined) => void;
  /**
   * Whether an error that is no DomainError is a dependency's outage (the catalogue database's
   * connection lost, say): the client sees SERVICE_UNAVAILABLE and may try again; nothing of it leaks.
   */
  readonly isOutage?: (error: unknown) => boolean;
}

/** What a client sees of an outage that no service turned into an UnavailableError. */
export const OUTAGE_MESSAGE = "The catalogue database is unreachable for a moment; please try again shortly.";

/** Apollo's formatError: decides what each error looks like to a client. */
export function createFormatError(options: FormatOptions) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    const base = { locations: formatted.locations, path: formatted.path };
    const requestId = (formatted.extensions?.requestId as string | undefined) ?? undefined;
    if (isDomainError(original)) {
      const existing = original.details?.existing;
      return {
        ...base,
        message: original.message,
        extensions: {
          code: original.code,
          ...(original.field ? { field: original.field } : {}),
          ...(existing ? { existing: { id: toGlobalId(existing.type, existing.internalId), internalID: existing.internalId, name: existing.name } } : {}),
        },
      };
    }
    if (original instanceof ArgumentValidationError) {
      const v = validationPayload(original);
      return { ...base, message: v.message, extensions: { code: "BAD_USER_INPUT", field: v.field } };
    }
    const code = formatted.extensions?.code as string | undefined;
    if (code && PASS_THROUGH.has(code) && !(original instanceof Error && !(original instanceof GraphQLError))) {
      const field = formatted.extensions?.field;
      return { ...base, message: formatted.message, extensions: { code: code as ClientErrorCode, ...(field ? { field } : {}) } };
    }
    if (options.isOutage?.(original)) return { ...base, message: OUTAGE_MESSAGE, extensions: { code: "SERVICE_UNAVAILABLE" } };
    options.logUnexpected(original, requestId);
    return { ...base, message: "Something went wrong on our side. It has been logged; please try again later.", extensions: { code: "INTERNAL_SERVER_ERROR" } };
  };
}
