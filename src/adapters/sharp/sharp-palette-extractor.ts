/**
 * Palette extraction with sharp: decode, apply EXIF orientation, flatten alpha on white, convert to
 * 8-bit sRGB (CMYK, greyscale, 16-bit alike), shrink to fit inside 64×64 with nearest-neighbour
 * sampling (so a sample is a pixel colour, not a blend across an edge; large JPEGs are first
 * shrunk on load by libvips, which averages small blocks), then quantise with seeded k-means in Lab
 * (encoding/palette-quantise.ts). Deterministic for the same bytes.
 */
import sharp from "sharp";
import type { PaletteColour } from "../../domain/artwork.ts";
import { InvalidInputError } from "../../domain/errors.ts";
import { quantisePalette } from "../../encoding/palette-quantise.ts";
import type { PaletteExtractor } from "../../ports/palette-extractor.port.ts";

/** Options of a SharpPaletteExtractor. */
export interface SharpPaletteExtractorOptions {
  /** Most colours in a palette (default 5). */
  readonly maxColours?: number;
  /** The sample is at most this many pixels on its longer side (default 64). */
  readonly sampleSize?: number;
  /** Largest width × height sharp will decode (default 100 million). */
  readonly maxPixels?: number;
}

/** A PaletteExtractor on sharp (libvips). */
export class SharpPaletteExtractor implements PaletteExtractor {
  private readonly maxColours: number;
  private readonly sampleSize: number;
  private readonly maxPixels: number;

  constructor(options: SharpPaletteExtractorOptions = {}) {
    this.maxColours = options.maxColours ?? 5;
    this.sampleSize = options.sampleSize ?? 64;
    this.maxPixels = options.maxPixels ?? 100_000_000;
  }

  /** Up to `maxColours` dominant colours with their pixel shares (summing to 1), largest first. */
  async extract(image: Uint8Array): Promise<PaletteColour[]> {
    let pixels: Buffer;
    try {
      const { data, info } = await sharp(image, { limitInputPixels: this.maxPixels })
        .pipelineColourspace("srgb")
        .rotate()
        .flatten({ background: "#ffffff" })
        .toColourspace("srgb")
        .resize(this.sampleSize, this.sampleSize, { fit: "inside", kernel: "nearest", withoutEnlargement: true })
        .removeAlpha()
        .raw({ depth: "uchar" })
        .toBuffer({ resolveWithObject: true });
      if (info.channels !== 3) throw new Error(`expected 3 channels, got ${info.channels}`);
      pixels = data;
    } catch (e) {
      throw new InvalidInputError("image", `The image could not be decoded to find its colours: ${(e as Error).message}.`);
    }
    return quantisePalette(new Uint8Array(pixels.buffer, pixels.byteOffset, pixels.byteLength), { maxColours: this.maxColours });
  }
}
