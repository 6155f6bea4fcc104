/** Where query and catalogue images come from: bytes given inline, or fetched from a URL. */

export interface ImageSource {
  /** Fetches an image URL with the configured timeout, size cap and address rules; throws coded domain errors. */
  fetch(url: string, field: string): Promise<Uint8Array>;
}
