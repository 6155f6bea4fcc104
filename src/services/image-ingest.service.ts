/**
 * Image ingest: fulfils one queued image fetch of a catalogue work. Its sources are tried in order
 * (a local file copied at import, a IIIF service's 448-pixel rendition, the image URLs) through the
 * guarded image source; the first readable image is checked (size, type, pixel count before decoding),
 * its palette extracted (which decodes it), stored by content hash, and the work marked READY with a
 * re-embedding job in one transaction. A permanent failure (404/410, not an image, SVG, too large, a
 * decompression bomb, undecodable) marks the work FAILED with a problem a person can read; a transient
 * one (timeout, 5xx, 429, connection error) is retried with exponential backoff and jitter, or after
 * the host's Retry-After, up to a limit. A failed work keeps its metadata vector.
 */
import type { Logger } from "pino";
import type { ImageIngestConfig } from "../config/config.ts";
import { InvalidInputError, UnavailableError, isDomainError } from "../domain/errors.ts";
import { iiifRenditionUrl, type IiifInfo } from "../domain/iiif.ts";
import { parseImageRequest, type ImageCandidate } from "../domain/image-request.ts";
import type { BlobStore } from "../ports/blob-store.port.ts";
import type { CatalogueStore } from "../ports/catalogue-store.port.ts";
import type { ImageInspector } from "../ports/image-encoder.port.ts";
import type { ClaimedImageFetch, ImageFetchQueue } from "../ports/image-fetch-queue.port.ts";
import { ImageFetchError, type ImageSource } from "../ports/image-source.port.ts";
import type { PaletteExtractor } from "../ports/palette-extractor.port.ts";

/** Longer side, in pixels, of the rendition asked of a IIIF service (twice the model's 224). */
export const IIIF_RENDITION_SIZE = 448;

const MAX_BACKOFF_MS = 10 * 60_000;
/** The longest Retry-After honoured; a host asking for more is tried again after this. */
const MAX_RETRY_AFTER_MS = 60 * 60_000;

/** What became of one fetch job. */
export type ImageFetchOutcome = "READY" | "FAILED" | "RETRY" | "STALE";

/** The delay a Retry-After header asks for (seconds, or an HTTP date), in ms; null when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | null {
  if (!header) return null;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  if (!/^[A-Za-z]{3}/.test(text)) return null; // an HTTP date starts with the name of its day
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** Exponential backoff with ±25% jitter: base, 2·base, 4·base … capped at 10 minutes. */
export function imageBackoffMs(attempts: number, baseMs: number, random: () => number = Math.random): number {
  const base = Math.min(MAX_BACKOFF_MS, baseMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(base * (0.75 + 0.5 * random()));
}

/** How one source failed: what to tell a person, and whether (and when) to try again. */
interface SourceFailure {
  readonly message: string;
  readonly transient: boolean;
  readonly retryAfterMs: number | null;
}

/** How a source is named in a problem. */
function sourceName(c: ImageCandidate): string {
  return c.kind === "url" ? c.url : c.kind === "iiif" ? `IIIF ${c.service}` : `file ${c.name}`;
}

export class ImageIngestService {
  constructor(
    private readonly store: CatalogueStore,
    private readonly queue: ImageFetchQueue,
    private readonly source: ImageSource,
    private readonly inspector: ImageInspector,
    private readonly palettes: PaletteExtractor,
    private readonly blobs: BlobStore,
    private readonly config: ImageIngestConfig,
    private readonly log: Logger,
    private readonly random: () => number = Math.random,
  ) {}

  /** Fetches, checks and stores one work's image, or records why not; never throws for a bad image or host. */
  async process(job: ClaimedImageFetch): Promise<ImageFetchOutcome> {
    const request = parseImageRequest(job.request);
    if (!request || request.candidates.length === 0) {
      return (await this.store.recordImageFailed(job.artworkId, job.request, "The stored image request could not be read; import the row again.")) ? "FAILED" : "STALE";
    }
    const problems: string[] = [];
    let retryIn: number | null = null;
    for (const candidate of request.candidates) {
      try {
        const bytes = await this.bytesOf(candidate);
        const info = await this.inspector.inspect(bytes);
        const palette = await this.palettes.extract(bytes);
        const storageKey = await this.blobs.put(info.sha256, bytes);
        const sourceUrl = candidate.kind === "url" ? candidate.url : candidate.kind === "iiif" ? candidate.service : null;
        const stored = await this.store.recordImageReady(
          job.artworkId,
          job.request,
          { sha256: info.sha256, sizeBytes: info.sizeBytes, mime: info.mime, width: info.width, height: info.height, storageKey, sourceUrl },
          palette,
        );
        return stored ? "READY" : "STALE";
      } catch (e) {
        const failure = this.classify(e, job);
        problems.push(`${sourceName(candidate)}: ${failure.message}`);
        if (failure.transient) {
          const delay = failure.retryAfterMs ?? imageBackoffMs(job.attempts, this.config.backoffMs, this.random);
          retryIn = Math.max(retryIn ?? 0, delay);
        }
      }
    }
    const problem = problems.join(" | ");
    if (retryIn !== null && job.attempts < this.config.maxAttempts) {
      await this.queue.retry(job, problem, new Date(Date.now() + retryIn));
      this.log.debug({ artworkId: job.artworkId, attempts: job.attempts, retryInMs: retryIn, problem }, "image fetch will be retried");
      return "RETRY";
    }
    const final = retryIn !== null ? `${problem} (gave up after ${job.attempts} attempts)` : problem;
    this.log.debug({ artworkId: job.artworkId, problem: final }, "image could not be had; the work keeps its metadata vector");
    return (await this.store.recordImageFailed(job.artworkId, job.request, final)) ? "FAILED" : "STALE";
  }

  /** The bytes of one source: the copied local file, a IIIF rendition, or the URL itself. */
  private async bytesOf(candidate: ImageCandidate): Promise<Uint8Array> {
    if (candidate.kind === "url") return this.source.fetch(candidate.url, "imageUrl");
    if (candidate.kind === "iiif") return this.source.fetch(await this.renditionOf(candidate.service), "iiifService");
    if (candidate.problem || !candidate.sha256) throw new InvalidInputError("imagePath", candidate.problem ?? `The image file "${candidate.name}" was not read.`);
    const bytes = await this.blobs.get(candidate.sha256);
    if (!bytes) throw new InvalidInputError("imagePath", `The copy of "${candidate.name}" is missing from the image store; import the row again with --images.`);
    return bytes;
  }

  /** The rendition URL of a IIIF service, within what its info.json allows (the default request when it cannot be read). */
  private async renditionOf(service: string): Promise<string> {
    let info: IiifInfo | null = null;
    try {
      const bytes = await this.source.fetch(`${service}/info.json`, "iiifService");
      const parsed = JSON.parse(Buffer.from(bytes).toString("utf8")) as unknown;
      info = parsed && typeof parsed === "object" ? (parsed as IiifInfo) : null;
    } catch (e) {
      // a host that is down now is tried again later; an unreadable info.json leaves the default request
      if (this.classifyFetch(e)?.transient) throw e;
    }
    return iiifRenditionUrl(service, info, IIIF_RENDITION_SIZE);
  }

  private classifyFetch(e: unknown): SourceFailure | null {
    if (e instanceof ImageFetchError) return { message: e.message, transient: e.transient, retryAfterMs: e.transient ? retryAfterOf(e) : null };
    if (e instanceof UnavailableError) return { message: e.message, transient: true, retryAfterMs: null };
    return null;
  }

  private classify(e: unknown, job: ClaimedImageFetch): SourceFailure {
    const fetch = this.classifyFetch(e);
    if (fetch) return fetch;
    if (isDomainError(e)) return { message: e.message, transient: false, retryAfterMs: null };
    // not the image's fault (a full disk, a bug): try again later, and say no more than that
    this.log.error({ artworkId: job.artworkId, err: e instanceof Error ? e.message : String(e) }, "image ingest failed unexpectedly");
    return { message: "an internal error (see the server log)", transient: true, retryAfterMs: null };
  }
}

function retryAfterOf(e: ImageFetchError): number | null {
  const ms = retryAfterMs(e.retryAfter);
  return ms === null ? null : Math.min(ms, MAX_RETRY_AFTER_MS);
}
