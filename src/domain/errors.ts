/**
 * Errors a service may raise. Each carries the code a client sees (graphql/errors.ts maps them once);
 * anything that is not a DomainError is internal and reaches the client only as a generic message.
 */
export type ErrorCode =
  | "BAD_USER_INPUT"
  | "NOT_FOUND"
  | "UNAUTHENTICATED"
  | "FORBIDDEN"
  | "PAYLOAD_TOO_LARGE"
  | "UNSUPPORTED_MEDIA_TYPE"
  | "SERVICE_UNAVAILABLE"
  | "CONFLICT"
  | "QUERY_TOO_EXPENSIVE";

/** The object an error is about, e.g. the artist a duplicate would repeat; the API gives its global id. */
export interface ErrorSubject {
  readonly type: "Artwork" | "Artist";
  readonly internalId: string;
  readonly name: string;
}

export interface ErrorDetails {
  readonly existing?: ErrorSubject;
}

export abstract class DomainError extends Error {
  abstract readonly code: ErrorCode;
  /** Input path of the offending value, e.g. "artwork.yearEnd", when one input is at fault. */
  readonly field?: string;
  /** Facts a client can act on, beside the message (e.g. the existing artist a create conflicts with). */
  readonly details?: ErrorDetails;

  constructor(message: string, field?: string, details?: ErrorDetails) {
    super(message);
    this.name = new.target.name;
    this.field = field;
    this.details = details;
  }

  /** The same error about another input path (an adapter says "image", the API says "image.base64"). */
  atField(field: string): this {
    const copy = Object.create(Object.getPrototypeOf(this)) as this;
    Object.defineProperties(copy, Object.getOwnPropertyDescriptors(this));
    Object.defineProperty(copy, "field", { value: field, enumerable: true });
    return copy;
  }
}

/** The input is well-formed GraphQL but wrong for the domain: an unknown artist, a year range that ends before it starts. */
export class InvalidInputError extends DomainError {
  readonly code = "BAD_USER_INPUT" as const;
  constructor(field: string, message: string) {
    super(message, field);
  }
}

/** An operation needs an object that does not exist (or no longer exists). */
export class NotFoundError extends DomainError {
  readonly code = "NOT_FOUND" as const;
}

/** A value (an image, a request body) is larger than the configured limit. */
export class PayloadTooLargeError extends DomainError {
  readonly code = "PAYLOAD_TOO_LARGE" as const;
}

/** A file of a type that is not accepted, e.g. an SVG where a raster image is needed. */
export class UnsupportedMediaTypeError extends DomainError {
  readonly code = "UNSUPPORTED_MEDIA_TYPE" as const;
}

/** A dependency (vector index, model) is down or not configured; the request may succeed later. */
export class UnavailableError extends DomainError {
  readonly code = "SERVICE_UNAVAILABLE" as const;
}

/** The write conflicts with existing data, e.g. a duplicate source id. */
export class ConflictError extends DomainError {
  readonly code = "CONFLICT" as const;
}

/**
 * A request needs more work than one request may take: its ranking ran out of the request's time
 * budget (VITRINE_RANKING_BUDGET_MS). Asking for less (fewer aliases, a smaller `first`, no diversity)
 * succeeds.
 */
export class QueryTooExpensiveError extends DomainError {
  readonly code = "QUERY_TOO_EXPENSIVE" as const;
}

/** The caller presented no valid credential. */
export class UnauthenticatedError extends DomainError {
  readonly code = "UNAUTHENTICATED" as const;
}

/** The caller's credential does not allow this operation. */
export class ForbiddenError extends DomainError {
  readonly code = "FORBIDDEN" as const;
}

export function isDomainError(e: unknown): e is DomainError {
  return e instanceof DomainError;
}
