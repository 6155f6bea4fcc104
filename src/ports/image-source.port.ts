/** Where query and catalogue images come from: bytes given inline, or fetched from a URL. */
import { InvalidInputError } from "../domain/errors.ts";

export interface ImageSource {
  /** Fetches an image URL with the configured timeout, size cap and address rules; throws coded domain errors. */
  fetch(url: string, field: string): Promise<Uint8Array>;
  /**
   * Refuses, without any network access, a URL that would never be fetched: not http(s), with
   * credentials, or naming an internal address outright (a literal private or loopback IP, `localhost`
   * or a name under `.localhost`) that is not allow-listed. Throws InvalidInputError on `field`. Host
   * names are resolved, and checked again, only when fetched.
   */
  check(url: string, field: string): void;
}

/**
 * A fetch the image host refused or did not finish: an HTTP status other than 200 (`status`, with the
 * raw `Retry-After` header when the host sent one), or no answer in time (`status` null). A client
 * sees it as BAD_USER_INPUT; the image worker reads `status`, `retryAfter` and `transient` to decide
 * whether and when to try again.
 */
export class ImageFetchError extends InvalidInputError {
  constructor(
    field: string,
    message: string,
    /** The HTTP status the host answered, or null when it did not answer in time. */
    readonly status: number | null,
    /** The host's Retry-After header (seconds or an HTTP date), when it sent one. */
    readonly retryAfter: string | null,
    /** True when the same request may succeed later (timeouts, 408, 425, 429, 5xx). */
    readonly transient: boolean,
  ) {
    super(field, message);
  }
}

/** True for the HTTP statuses worth retrying: 408, 425, 429 and 5xx. */
export function isTransientStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || status >= 500;
}
