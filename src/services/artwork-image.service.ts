/**
 * Images in: a client's image (base64 or URL) is read with the configured caps, checked before any
 * pixel is decoded, and for catalogue works stored by hash with its palette, queuing the work for
 * re-embedding in the same transaction.
 */
import { InvalidInputError, NotFoundError, PayloadTooLargeError, isDomainError } from "../domain/errors.ts";
import type { ImageRegionValue } from "../domain/image-region.ts";
import type { BlobStore } from "../ports/blob-store.port.ts";
import type { CatalogueStore } from "../ports/catalogue-store.port.ts";
import type { ImageInfo, ImageInspector } from "../ports/image-encoder.port.ts";
import type { ImageSource } from "../ports/image-source.port.ts";
import type { PaletteExtractor } from "../ports/palette-extractor.port.ts";

/** An image as a client gives it: exactly one of `url` or `base64`; a region only when searching. */
export interface ImageInputValue {
  readonly url?: string | null;
  readonly base64?: string | null;
  /** Search with this part of the image only (searchByImage). */
  readonly region?: ImageRegionValue | null;
}

/** Reports an adapter's image error at the client's input path. */
export function atPath<T>(promise: Promise<T>, field: string): Promise<T> {
  return promise.catch((e: unknown) => {
    throw isDomainError(e) ? e.atField(field) : e;
  });
}

export class ArtworkImageService {
  constructor(
    private readonly store: CatalogueStore,
    private readonly inspector: ImageInspector,
    private readonly palettes: PaletteExtractor,
    private readonly blobs: BlobStore,
    private readonly source: ImageSource,
    private readonly maxBytes: number,
  ) {}

  /** The bytes of an image input, checked (size, header, format, pixel count) but not decoded. */
  async read(input: ImageInputValue, path: string): Promise<{ bytes: Uint8Array; info: ImageInfo; sourceUrl: string | null; field: string }> {
    const hasUrl = Boolean(input.url);
    const hasBase64 = Boolean(input.base64);
    if (hasUrl === hasBase64) throw new InvalidInputError(path, "Give the image as exactly one of `url` or `base64`.");
    let bytes: Uint8Array;
    let field: string;
    if (hasBase64) {
      field = `${path}.base64`;
      const text = (input.base64 as string).replace(/^data:[^;,]+;base64,/, "").replace(/\s+/g, "");
      if (Math.floor((text.length * 3) / 4) > this.maxBytes) {
        throw new PayloadTooLargeError(`The image is ${((text.length * 3) / 4 / 1024 / 1024).toFixed(1)} MB; the limit is ${(this.maxBytes / 1024 / 1024).toFixed(1)} MB.`, field);
      }
      if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(text)) throw new InvalidInputError(field, "The image is not valid base64.");
      bytes = new Uint8Array(Buffer.from(text, "base64"));
    } else {
      field = `${path}.url`;
      bytes = await this.source.fetch(input.url as string, field);
    }
    const info = await atPath(this.inspector.inspect(bytes), field);
    return { bytes, info, sourceUrl: hasUrl ? (input.url as string) : null, field };
  }

  /** Stores an image for a work (replacing any earlier one) and queues the work for re-embedding. */
  async attach(artworkId: string, input: ImageInputValue, path = "image"): Promise<void> {
    if (input.region) throw new InvalidInputError(`${path}.region`, "A region applies to searchByImage only; crop the image before attaching it to a work.");
    const { bytes, info, sourceUrl, field } = await this.read(input, path);
    const palette = await atPath(this.palettes.extract(bytes), field);
    const storageKey = await this.blobs.put(info.sha256, bytes);
    const ok = await this.store.setArtworkImage(
      artworkId,
      { sha256: info.sha256, sizeBytes: info.sizeBytes, mime: info.mime, width: info.width, height: info.height, storageKey, sourceUrl },
      palette,
    );
    if (!ok) throw new NotFoundError(`No work with id ${artworkId}.`, "id");
  }
}
