/**
 * The image encoder: image bytes in, one unit-length vector out (the image part of an artwork's
 * vector). Also the inspector that checks an image before anything decodes its pixels, so ingest can
 * store the image's metadata and reject bad input with a code the client can act on.
 */
import { InvalidInputError, PayloadTooLargeError, UnsupportedMediaTypeError } from "../domain/errors.ts";

/** Raster formats vitrine accepts (SVG and anything else is refused). */
export type ImageFormat = "jpeg" | "png" | "webp" | "tiff" | "gif" | "avif";

/** What the header of an accepted image says, plus its checksum. */
export interface ImageInfo {
  readonly format: ImageFormat;
  /** e.g. "image/jpeg". */
  readonly mime: string;
  /** Width in pixels as displayed, i.e. after the EXIF orientation is applied. */
  readonly width: number;
  /** Height in pixels as displayed, i.e. after the EXIF orientation is applied. */
  readonly height: number;
  readonly sizeBytes: number;
  /** Lower-case hex SHA-256 of the file bytes. */
  readonly sha256: string;
}

/**
 * Checks image bytes without decoding pixels: byte cap, header readable, accepted format, pixel cap.
 * Throws PayloadTooLargeError, UnsupportedMediaTypeError or InvalidInputError (field "image").
 */
export interface ImageInspector {
  inspect(bytes: Uint8Array): Promise<ImageInfo>;
}

/** An error that says the image's own bytes are at fault: too large, not an accepted type, or undecodable. */
export type BadImageError = InvalidInputError | PayloadTooLargeError | UnsupportedMediaTypeError;

/**
 * True for the errors by which an ImageInspector or ImageEncoder says the image itself is bad (the
 * same image will always fail). Any other failure of `encode` is the model's (UnavailableError when it
 * is down or closed, an onnxruntime error, anything else): the same image may succeed later.
 */
export function isBadImageError(e: unknown): e is BadImageError {
  return e instanceof InvalidInputError || e instanceof PayloadTooLargeError || e instanceof UnsupportedMediaTypeError;
}

/**
 * Turns images into embeddings. Rejects bad images with the same errors as ImageInspector (see
 * isBadImageError); a model that is down or closed rejects with UnavailableError.
 */
export interface ImageEncoder {
  /** Length of every vector this encoder returns. */
  readonly dimension: number;
  /** Human-readable model name, e.g. "vit-mae-base". */
  readonly modelId: string;
  /** Lower-case hex SHA-256 of the model file: part of the embedding version. */
  readonly modelSha256: string;
  /** One image → one L2-normalised vector of `dimension` floats. */
  encode(bytes: Uint8Array): Promise<Float32Array>;
  /** Several images → vectors in the same order; fails as a whole if any image is bad. */
  encodeBatch(images: readonly Uint8Array[]): Promise<Float32Array[]>;
  /**
   * Whether the model is in memory now. An encoder that releases its model while no images come
   * (and loads it again for the next) says false meanwhile; one that always holds it leaves this out.
   */
  readonly loaded?: boolean;
  /** Releases the model; later calls fail. */
  close(): Promise<void>;
}
