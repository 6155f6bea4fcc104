/**
 * ImageRenderer on sharp: the image is decoded, turned upright by its EXIF orientation, cropped,
 * resized and encoded on libvips' worker threads, never on the event loop. Alpha is flattened on
 * white for JPEG; output is 8-bit sRGB without metadata.
 */
import sharp from "sharp";
import type { ImageRenderer, RenderRequest } from "../../ports/image-renderer.port.ts";

/** Options of a SharpImageRenderer. */
export interface SharpImageRendererOptions {
  /** Largest width × height sharp will decode. */
  readonly maxPixels: number;
  /** JPEG and WebP quality, 1–100 (default 85). */
  readonly quality?: number;
}

/** An ImageRenderer on sharp (libvips). */
export class SharpImageRenderer implements ImageRenderer {
  constructor(private readonly options: SharpImageRendererOptions) {}

  async dimensions(bytes: Uint8Array): Promise<{ width: number; height: number }> {
    const meta = await sharp(bytes, { limitInputPixels: this.options.maxPixels }).metadata();
    return { width: meta.autoOrient.width, height: meta.autoOrient.height };
  }

  async render(bytes: Uint8Array, r: RenderRequest): Promise<Uint8Array> {
    let image = sharp(bytes, { limitInputPixels: this.options.maxPixels })
      .rotate()
      .extract(r.region)
      .resize(r.width, r.height, { fit: "fill", kernel: "lanczos3" })
      .toColourspace("srgb");
    if (r.quality === "gray") image = image.grayscale();
    const quality = this.options.quality ?? 85;
    if (r.format === "jpg") image = image.flatten({ background: "#ffffff" }).jpeg({ quality, mozjpeg: false });
    else if (r.format === "png") image = image.png();
    else image = image.webp({ quality });
    return new Uint8Array(await image.toBuffer());
  }
}
