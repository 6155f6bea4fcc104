/**
 * What a catalogue row says about where its image comes from (URLs, a IIIF Image API service, a local
 * file), and where a work's image stands. Free of I/O: the import builds requests, the image worker
 * fulfils them.
 */

/** Where a work's image stands. */
export const IMAGE_STATUSES = ["NONE", "PENDING", "READY", "FAILED"] as const;
export type ImageStatus = (typeof IMAGE_STATUSES)[number];

/** One place the image may come from, tried in order until one gives a readable image. */
export type ImageCandidate =
  /** A plain image URL. */
  | { readonly kind: "url"; readonly url: string }
  /** A IIIF Image API service (its base URL, without `/info.json`): a small rendition is requested. */
  | { readonly kind: "iiif"; readonly service: string }
  /**
   * A local file named by the row (`--images DIR`), already copied into the blob store under `sha256`
   * at import, or with the `problem` that kept it from being read.
   */
  | { readonly kind: "file"; readonly name: string; readonly sha256: string | null; readonly problem: string | null };

/** The image sources of one work, in the order they are tried. */
export interface ImageRequest {
  readonly candidates: readonly ImageCandidate[];
}

/** The stored form of a request (Artwork.imageRequest): equal requests give equal keys, so a re-import of the same row fetches nothing. */
export function imageRequestKey(request: ImageRequest): string {
  return JSON.stringify(
    request.candidates.map((c) =>
      c.kind === "url" ? { kind: c.kind, url: c.url } : c.kind === "iiif" ? { kind: c.kind, service: c.service } : { kind: c.kind, name: c.name, sha256: c.sha256, problem: c.problem },
    ),
  );
}

/** Reads a stored request key back; null when it is not one. */
export function parseImageRequest(key: string): ImageRequest | null {
  try {
    const candidates = JSON.parse(key) as ImageCandidate[];
    return Array.isArray(candidates) ? { candidates } : null;
  } catch {
    return null;
  }
}

/** The host a request's first source lives on, for the per-host concurrency limit ("local" for files). */
export function imageRequestHost(request: ImageRequest): string {
  const first = request.candidates[0];
  if (!first || first.kind === "file") return "local";
  try {
    return new URL(first.kind === "url" ? first.url : first.service).host.toLowerCase() || "unknown";
  } catch {
    return "unknown";
  }
}

/** The IIIF service of a URL that names its `info.json`, or null. */
export function iiifServiceOf(url: string): string | null {
  const m = /^(.*?)\/info\.json(?:[?#].*)?$/i.exec(url.trim());
  return m && m[1] ? m[1] : null;
}

/**
 * A file-system-safe name for a source id: every character other than letters, digits, `.`, `_` and
 * `-` becomes `_`, and a leading `.` too (no hidden files, no `..`). `<name>.<ext>` is then looked up
 * in the image folder.
 */
export function safeFileStem(sourceId: string): string {
  return sourceId.replace(/[^A-Za-z0-9._-]/g, "_").replace(/^\./, "_");
}
