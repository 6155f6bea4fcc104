/**
 * Image checks and ViTMAE preprocessing with sharp (libvips).
 *
 * Checks run before any pixel is decoded: byte cap, header (sharp `metadata()`), accepted format,
 * pixel cap (width × height from the header; sharp's `limitInputPixels` as a second guard).
 *
 * Preprocessing follows facebook/vit-mae-base's preprocessor_config.json (docs/preprocessing.md):
 * EXIF orientation applied, alpha flattened on white, CMYK / greyscale / 16-bit converted to 8-bit
 * sRGB, resized straight to 224×224 (no crop) with Pillow's BILINEAR filter, /255, ImageNet mean and
 * std, NCHW float32.
 *
 * Resampling. The model was trained on Pillow BILINEAR output (a triangle filter whose support grows
 * with the downscale factor, in 22-bit fixed point, horizontal pass first). Measured against Pillow
 * 9.4 (mean / max absolute error, 0..255 units), sharp's closest setting, `kernel: "linear"` with
 * `fastShrinkOnLoad: false`, is 0.34–0.53 / 11–16 when downscaling photo-like images but
 * 3.2–6.7 / 44–92 when upscaling (other kernels are further off; see docs/preprocessing.md). So the
 * resize is done by `resizeBilinearPillow` below, a port of Pillow's algorithm that matches it
 * bit for bit (0 / 0 on the same cases), after sharp decodes, orients and converts the image. It runs
 * on the JS thread (about 5 ms for 1024×768, 27–31 ms for 3000×2000, warm), so images larger than
 * `exactMaxPixels` (default 4 MP) are resized by sharp's linear kernel instead, off the JS thread.
 */
import { createHash } from "node:crypto";
import sharp, { type Metadata } from "sharp";
import { InvalidInputError, PayloadTooLargeError, UnsupportedMediaTypeError } from "../../domain/errors.ts";
import type { ImageFormat, ImageInfo, ImageInspector } from "../../ports/image-encoder.port.ts";

/** Side of the square model input. */
export const MODEL_IMAGE_SIZE = 224;
/** Floats in one preprocessed image (3 × 224 × 224). */
export const IMAGE_TENSOR_LENGTH = 3 * MODEL_IMAGE_SIZE * MODEL_IMAGE_SIZE;
/** ImageNet mean, per RGB channel, as in the ViTMAE image processor. */
export const IMAGENET_MEAN = [0.485, 0.456, 0.406] as const;
/** ImageNet standard deviation, per RGB channel. */
export const IMAGENET_STD = [0.229, 0.224, 0.225] as const;

const MIME: Readonly<Record<ImageFormat, string>> = {
  jpeg: "image/jpeg",
  png: "image/png",
  webp: "image/webp",
  tiff: "image/tiff",
  gif: "image/gif",
  avif: "image/avif",
};
const ALLOWED = "JPEG, PNG, WebP, TIFF, GIF or AVIF";

/** How the 224×224 resize is done: Pillow-exact in JS, or sharp's closest kernel (linear). */
export type Resampler = "pillow" | "sharp";

/** An image whose checks passed and whose decoding is under way. */
export interface PendingImage {
  /** 224×224 interleaved 8-bit RGB, not yet normalised. */
  readonly rgb224: Promise<Uint8Array>;
}

/** Limits and resampling choice of a SharpImagePreprocessor. */
export interface SharpImagePreprocessorOptions {
  /** Largest accepted file (config.images.maxBytes). */
  readonly maxBytes: number;
  /** Largest accepted width × height (config.images.maxPixels). */
  readonly maxPixels: number;
  /** Default "pillow" (bit-exact with the training preprocessing, up to exactMaxPixels). */
  readonly resampler?: Resampler;
  /** With resampler "pillow", larger images fall back to sharp's linear kernel. Default 4,000,000. */
  readonly exactMaxPixels?: number;
}

function megabytes(n: number): string {
  return `${(n / (1024 * 1024)).toFixed(1)} MB`;
}

function megapixels(n: number): string {
  return `${(n / 1_000_000).toFixed(1)} MP`;
}

const UNDECODABLE = "The image could not be decoded: the file is truncated or corrupt.";

/**
 * Checks images and turns them into ViTMAE input tensors. Implements ImageInspector; the ONNX encoder
 * uses `preprocess` to fill its batch tensor.
 */
export class SharpImagePreprocessor implements ImageInspector {
  private readonly maxBytes: number;
  private readonly maxPixels: number;
  private readonly resampler: Resampler;
  private readonly exactMaxPixels: number;

  constructor(options: SharpImagePreprocessorOptions) {
    this.maxBytes = options.maxBytes;
    this.maxPixels = options.maxPixels;
    this.resampler = options.resampler ?? "pillow";
    this.exactMaxPixels = options.exactMaxPixels ?? 4_000_000;
  }

  /** Checks the bytes (size, header, format, pixel count) without decoding pixels. */
  async inspect(bytes: Uint8Array): Promise<ImageInfo> {
    const { format, mime, width, height } = await this.check(bytes);
    return { format, mime, width, height, sizeBytes: bytes.length, sha256: createHash("sha256").update(bytes).digest("hex") };
  }

  /**
   * Checks, decodes and resizes one image to 224×224 8-bit RGB (interleaved), before normalisation.
   * Exposed for tests and for callers that want the thumbnail-sized pixels (palettes).
   */
  async toRgb224(bytes: Uint8Array): Promise<Uint8Array> {
    return (await this.start(bytes)).rgb224;
  }

  /**
   * Checks the image, then starts decoding it on sharp's (libuv) threads and returns at once: the
   * caller can run the model on the previous batch while `rgb224` is being made. Check failures
   * reject this call; decode failures reject `rgb224` (InvalidInputError, field "image").
   */
  async start(bytes: Uint8Array): Promise<PendingImage> {
    const header = await this.check(bytes);
    const exact = this.resampler === "pillow" && header.rawWidth * header.rawHeight <= this.exactMaxPixels;
    // pipelineColourspace: convert CMYK (with or without a profile) and 16-bit input to 8-bit sRGB at
    // load; without it a CMYK JPEG's blue channel comes out ~30 levels off (see the tests).
    let pipeline = sharp(bytes, { limitInputPixels: this.maxPixels, failOn: "warning" })
      .pipelineColourspace("srgb")
      .rotate()
      .flatten({ background: "#ffffff" })
      .toColourspace("srgb");
    if (!exact) {
      pipeline = pipeline.resize(MODEL_IMAGE_SIZE, MODEL_IMAGE_SIZE, { fit: "fill", kernel: "linear", fastShrinkOnLoad: false });
    }
    const decoded = pipeline.removeAlpha().raw({ depth: "uchar" }).toBuffer({ resolveWithObject: true });
    const rgb224 = decoded.then(
      ({ data, info }) => {
        if (info.channels !== 3) throw new InvalidInputError("image", UNDECODABLE);
        const rgb = new Uint8Array(data.buffer, data.byteOffset, data.length);
        return exact ? resizeBilinearPillow(rgb, info.width, info.height, MODEL_IMAGE_SIZE, MODEL_IMAGE_SIZE) : rgb;
      },
      () => {
        throw new InvalidInputError("image", UNDECODABLE);
      },
    );
    rgb224.catch(() => undefined); // handled by whoever awaits it; never an unhandled rejection
    return { rgb224 };
  }

  /**
   * Checks and preprocesses one image into NCHW float32 (3 × 224 × 224), written into `into` at
   * element `offset` (a batch tensor: offset = index × IMAGE_TENSOR_LENGTH), or a new array.
   */
  async preprocess(bytes: Uint8Array, into?: Float32Array, offset = 0): Promise<Float32Array> {
    const out = into ?? new Float32Array(IMAGE_TENSOR_LENGTH);
    if (offset < 0 || offset + IMAGE_TENSOR_LENGTH > out.length) {
      throw new RangeError(`No room for an image at offset ${offset} in a tensor of ${out.length} floats.`);
    }
    normaliseRgb224(await this.toRgb224(bytes), out, offset);
    return out;
  }

  private async check(bytes: Uint8Array): Promise<{ format: ImageFormat; mime: string; width: number; height: number; rawWidth: number; rawHeight: number }> {
    if (bytes.length === 0) throw new InvalidInputError("image", "The image is empty.");
    if (bytes.length > this.maxBytes) {
      throw new PayloadTooLargeError(`Image is ${megabytes(bytes.length)}; the limit is ${megabytes(this.maxBytes)}.`);
    }
    let meta: Metadata;
    try {
      meta = await sharp(bytes, { limitInputPixels: false }).metadata();
    } catch (e) {
      if (e instanceof Error && /unsupported image format/i.test(e.message)) {
        throw new UnsupportedMediaTypeError(`This file is not an image vitrine can read; send ${ALLOWED}.`);
      }
      throw new InvalidInputError("image", UNDECODABLE);
    }
    const format = acceptedFormat(meta);
    if (!format) {
      const what = meta.format === "svg" ? "SVG images are" : `${String(meta.format).toUpperCase()} images are`;
      throw new UnsupportedMediaTypeError(`${what} not accepted; send ${ALLOWED}.`);
    }
    const rawWidth = meta.width ?? 0;
    const rawHeight = meta.height ?? 0;
    if (rawWidth <= 0 || rawHeight <= 0) throw new InvalidInputError("image", UNDECODABLE);
    const pixels = rawWidth * rawHeight;
    if (pixels > this.maxPixels) {
      throw new PayloadTooLargeError(
        `Image is ${rawWidth}×${rawHeight} pixels (${megapixels(pixels)}); the limit is ${megapixels(this.maxPixels)}.`,
      );
    }
    const oriented = (meta.orientation ?? 1) >= 5;
    return {
      format,
      mime: MIME[format],
      width: oriented ? rawHeight : rawWidth,
      height: oriented ? rawWidth : rawHeight,
      rawWidth,
      rawHeight,
    };
  }
}

function acceptedFormat(meta: Metadata): ImageFormat | undefined {
  switch (meta.format) {
    case "jpeg":
    case "png":
    case "webp":
    case "tiff":
    case "gif":
      return meta.format;
    case "heif":
      // libvips reads AVIF and HEIC as "heif"; only AV1-compressed (AVIF) is accepted.
      return meta.compression === "av1" ? "avif" : undefined;
    default:
      return undefined;
  }
}

/** Per channel, the normalised value of each 8-bit level: (v / 255 − mean) / std, rounded to float32. */
const LEVELS: readonly Float32Array[] = IMAGENET_MEAN.map((mean, c) => {
  const table = new Float32Array(256);
  for (let v = 0; v < 256; v++) table[v] = (v / 255 - mean) / IMAGENET_STD[c];
  return table;
});

/**
 * Writes 224×224 interleaved 8-bit RGB as normalised NCHW float32 into `out` at element `offset`.
 */
export function normaliseRgb224(rgb: Uint8Array, out: Float32Array, offset = 0): void {
  const plane = MODEL_IMAGE_SIZE * MODEL_IMAGE_SIZE;
  if (rgb.length !== plane * 3) throw new RangeError(`Expected ${plane * 3} bytes of RGB, got ${rgb.length}.`);
  const [r, g, b] = LEVELS;
  for (let p = 0, i = 0; p < plane; p++, i += 3) {
    out[offset + p] = r[rgb[i]];
    out[offset + plane + p] = g[rgb[i + 1]];
    out[offset + 2 * plane + p] = b[rgb[i + 2]];
  }
}

const PRECISION_BITS = 32 - 8 - 2;
const ONE = 2 ** PRECISION_BITS;

interface Coefficients {
  readonly ksize: number;
  /** Per output pixel: first input index, number of taps. */
  readonly bounds: Int32Array;
  readonly weights: Int32Array;
}

/** Pillow's precompute_coeffs for the BILINEAR (triangle) filter, normalised to 22-bit fixed point. */
function bilinearCoefficients(inSize: number, outSize: number): Coefficients {
  const scale = inSize / outSize;
  const filterScale = Math.max(1, scale);
  const support = filterScale; // BILINEAR's support is 1, widened by the downscale factor
  const ksize = Math.ceil(support) * 2 + 1;
  const bounds = new Int32Array(outSize * 2);
  const weights = new Int32Array(outSize * ksize);
  const k = new Float64Array(ksize);
  for (let xx = 0; xx < outSize; xx++) {
    const center = (xx + 0.5) * scale;
    const xmin = Math.max(0, Math.trunc(center - support + 0.5));
    const n = Math.min(inSize, Math.trunc(center + support + 0.5)) - xmin;
    let sum = 0;
    for (let x = 0; x < n; x++) {
      const t = Math.abs((x + xmin - center + 0.5) / filterScale);
      k[x] = t < 1 ? 1 - t : 0;
      sum += k[x];
    }
    for (let x = 0; x < n; x++) {
      const w = sum !== 0 ? k[x] / sum : k[x];
      weights[xx * ksize + x] = Math.trunc(w < 0 ? -0.5 + w * ONE : 0.5 + w * ONE);
    }
    bounds[xx * 2] = xmin;
    bounds[xx * 2 + 1] = n;
  }
  return { ksize, bounds, weights };
}

/** Pillow's clip8: the 22-bit fixed-point sum back to 0..255 (int32 arithmetic, as in C). */
function clip8(v: number): number {
  const q = v >> PRECISION_BITS;
  return q < 0 ? 0 : q > 255 ? 255 : q;
}

/**
 * Resizes interleaved 8-bit RGB exactly as Pillow's `Image.resize(size, Image.BILINEAR)` does
 * (Resample.c: horizontal pass on the rows the vertical pass needs, then vertical, each rounded to
 * 8 bits). Verified bit-identical to Pillow 9.4 (test/fixtures/preprocessing/).
 */
export function resizeBilinearPillow(src: Uint8Array, width: number, height: number, outWidth: number, outHeight: number): Uint8Array {
  const half = ONE / 2;
  const horizontal = outWidth !== width;
  const vertical = outHeight !== height;
  const cv = bilinearCoefficients(height, outHeight);
  let tmp = src;
  let tmpWidth = width;
  let rowOffset = 0;
  if (horizontal) {
    const ch = bilinearCoefficients(width, outWidth);
    const first = vertical ? cv.bounds[0] : 0;
    const last = vertical ? cv.bounds[(outHeight - 1) * 2] + cv.bounds[(outHeight - 1) * 2 + 1] : height;
    tmp = new Uint8Array(outWidth * (last - first) * 3);
    for (let y = first; y < last; y++) {
      const row = y * width * 3;
      const outRow = (y - first) * outWidth * 3;
      for (let xx = 0; xx < outWidth; xx++) {
        const xmin = ch.bounds[xx * 2];
        const n = ch.bounds[xx * 2 + 1];
        const k = xx * ch.ksize;
        let r = half;
        let g = half;
        let b = half;
        for (let x = 0, p = row + xmin * 3; x < n; x++, p += 3) {
          const w = ch.weights[k + x];
          r = (r + Math.imul(src[p], w)) | 0;
          g = (g + Math.imul(src[p + 1], w)) | 0;
          b = (b + Math.imul(src[p + 2], w)) | 0;
        }
        const o = outRow + xx * 3;
        tmp[o] = clip8(r);
        tmp[o + 1] = clip8(g);
        tmp[o + 2] = clip8(b);
      }
    }
    tmpWidth = outWidth;
    rowOffset = first;
  }
  if (!vertical) return tmp === src ? src.slice() : tmp;
  const out = new Uint8Array(outWidth * outHeight * 3);
  const stride = tmpWidth * 3;
  for (let yy = 0; yy < outHeight; yy++) {
    const ymin = cv.bounds[yy * 2] - rowOffset;
    const n = cv.bounds[yy * 2 + 1];
    const k = yy * cv.ksize;
    for (let xx = 0; xx < outWidth; xx++) {
      let r = half;
      let g = half;
      let b = half;
      for (let y = 0, p = ymin * stride + xx * 3; y < n; y++, p += stride) {
        const w = cv.weights[k + y];
        r = (r + Math.imul(tmp[p], w)) | 0;
        g = (g + Math.imul(tmp[p + 1], w)) | 0;
        b = (b + Math.imul(tmp[p + 2], w)) | 0;
      }
      const o = (yy * outWidth + xx) * 3;
      out[o] = clip8(r);
      out[o + 1] = clip8(g);
      out[o + 2] = clip8(b);
    }
  }
  return out;
}
