/**
 * Stored images at the sizes a page asks for, addressed as the IIIF Image API does: the identifier is
 * the image's SHA-256, so a URL always names the same pixels and caches may keep answers forever.
 * Rendered files are kept in memory up to a byte budget (least recently used dropped first); the
 * same rendering asked for twice at once is done once.
 */
import { createHash } from "node:crypto";
import { LRUCache } from "lru-cache";
import { NotFoundError } from "../domain/errors.ts";
import type { BlobStore } from "../ports/blob-store.port.ts";
import type { ImageRenderer, RenderFormat } from "../ports/image-renderer.port.ts";
import { IIIF_FORMATS, IIIF_QUALITIES, resolveIiif, type IiifParams } from "./iiif-request.parser.ts";

const SHA256 = /^[0-9a-f]{64}$/;

const MIME: Record<RenderFormat, string> = { jpg: "image/jpeg", png: "image/png", webp: "image/webp" };

export interface IiifLimits {
  /** Largest width or height of a rendered image, in pixels. */
  readonly maxDimension: number;
  /** Bytes of rendered images kept in memory; 0 keeps none. */
  readonly cacheBytes: number;
}

/** A rendered image and its validator. */
export interface RenderedImage {
  readonly bytes: Uint8Array;
  readonly mime: string;
  readonly etag: string;
}

/** Stored images by content hash, rendered per IIIF parameters and remembered within a byte budget. */
export class IiifImageService {
  private readonly rendered: LRUCache<string, Uint8Array> | null;
  private readonly sizes = new LRUCache<string, { width: number; height: number }>({ max: 10_000 });
  private readonly pending = new Map<string, Promise<Uint8Array>>();

  constructor(
    private readonly blobs: BlobStore,
    private readonly renderer: ImageRenderer,
    private readonly limits: IiifLimits,
  ) {
    this.rendered = limits.cacheBytes > 0 ? new LRUCache({ maxSize: limits.cacheBytes, sizeCalculation: (v) => Math.max(1, v.length) }) : null;
  }

  /** The path of an image at `width` pixels wide (its own width when larger or left out), under the IIIF prefix. */
  static path(sha256: string, width?: number | null): string {
    return `${sha256}/full/${width ? `${width},` : "max"}/0/default.jpg`;
  }

  /**
   * The ETag of an answer: a hash of the identifier and the parameters as sent. The identifier is the
   * content hash, so equal parameters always give the same bytes.
   */
  etag(id: string, params: IiifParams | "info"): string {
    const key = params === "info" ? `${id}/info` : `${id}/${params.region}/${params.size}/${params.rotation}/${params.qualityFormat}`;
    return `"${createHash("sha256").update(key).digest("base64url").slice(0, 27)}"`;
  }

  /** Width and height of a stored image; NotFoundError when there is none with this identifier. */
  async dimensions(id: string): Promise<{ width: number; height: number }> {
    const known = this.sizes.get(id);
    if (known) return known;
    const size = await this.renderer.dimensions(await this.bytes(id));
    this.sizes.set(id, size);
    return size;
  }

  /** The IIIF Image API 3.0 description of an image (info.json), its `id` under `baseUrl`. */
  async info(id: string, baseUrl: string): Promise<Record<string, unknown>> {
    const { width, height } = await this.dimensions(id);
    const max = this.limits.maxDimension;
    return {
      "@context": "http://iiif.io/api/image/3/context.json",
      id: `${baseUrl}/${id}`,
      type: "ImageService3",
      protocol: "http://iiif.io/api/image",
      profile: "level1",
      width,
      height,
      maxWidth: max,
      maxHeight: max,
      sizes: [256, 512, 1024].filter((w) => w < width && w <= max).map((w) => ({ width: w, height: Math.max(1, Math.round((height * w) / width)) })),
      extraQualities: IIIF_QUALITIES.filter((q) => q !== "default"),
      extraFormats: IIIF_FORMATS.filter((f) => f !== "jpg"),
      extraFeatures: ["regionByPct", "regionSquare", "sizeByPct", "sizeByConfinedWh", "sizeByWh", "sizeUpscaling"],
    };
  }

  /** The image rendered as `params` ask; InvalidInputError for bad parameters, NotFoundError for an unknown image. */
  async image(id: string, params: IiifParams): Promise<RenderedImage> {
    const { width, height } = await this.dimensions(id);
    const request = resolveIiif(params, width, height, this.limits.maxDimension);
    const key = `${id}/${request.region.left},${request.region.top},${request.region.width},${request.region.height}/${request.width},${request.height}/${request.quality}.${request.format}`;
    const mime = MIME[request.format];
    const etag = this.etag(id, params);
    const cached = this.rendered?.get(key);
    if (cached) return { bytes: cached, mime, etag };
    let running = this.pending.get(key);
    if (!running) {
      running = this.bytes(id)
        .then((bytes) => this.renderer.render(bytes, request))
        .finally(() => this.pending.delete(key));
      this.pending.set(key, running);
    }
    const bytes = await running;
    this.rendered?.set(key, bytes);
    return { bytes, mime, etag };
  }

  private async bytes(id: string): Promise<Uint8Array> {
    if (!SHA256.test(id)) throw new NotFoundError(`No stored image "${id.slice(0, 80)}": identifiers are an image's SHA-256 (64 lower-case hex digits), as in ArtworkImage.url.`, "identifier");
    const bytes = await this.blobs.get(id);
    if (!bytes) throw new NotFoundError(`No stored image ${id}.`, "identifier");
    return bytes;
  }
}
