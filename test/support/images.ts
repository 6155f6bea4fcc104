/**
 * Synthetic test images: deterministic pixels (integer maths only, so every platform makes the same
 * bytes) encoded with sharp. Used by the preprocessing and encoder tests and by bench/encoder.ts.
 */
import sharp, { type Sharp } from "sharp";
import { mulberry32 } from "../../src/encoding/seeded-random.ts";

/** Raw interleaved 8-bit pixels with their size. */
export interface RawImage {
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
  readonly channels: 1 | 2 | 3 | 4;
}

/** A small deterministic PRNG (mulberry32) returning integers in [0, 2^32). */
export function prng(seed: number): () => number {
  const next = mulberry32(seed);
  return () => next() * 4294967296;
}

/** An image of one colour. */
export function solidRgb(width: number, height: number, rgb: readonly [number, number, number]): RawImage {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) data.set(rgb, i * 3);
  return { data, width, height, channels: 3 };
}

/** R rises left→right, G rises top→bottom, B = (x + y) mod 256: every pixel is known from its position. */
export function gradientRgb(width: number, height: number): RawImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      data[i] = Math.floor((x * 255) / Math.max(1, width - 1));
      data[i + 1] = Math.floor((y * 255) / Math.max(1, height - 1));
      data[i + 2] = (x + y) & 255;
    }
  }
  return { data, width, height, channels: 3 };
}

/**
 * A photo-like picture: smooth gradients, filled shapes with hard edges, a fine stripe texture and
 * (unless `noise` is 0) per-pixel noise, so resampling filters differ the way they do on photographs.
 */
export function photoLikeRgb(width: number, height: number, seed = 1, noise = 24): RawImage {
  const rand = prng(seed);
  const data = new Uint8Array(width * height * 3);
  const shapes = Array.from({ length: 12 }, () => ({
    kind: rand() % 2,
    cx: rand() % width,
    cy: rand() % height,
    r: 8 + (rand() % Math.max(1, Math.floor(Math.min(width, height) / 4))),
    rgb: [rand() & 255, rand() & 255, rand() & 255] as const,
  }));
  const stripePeriod = 3 + (rand() % 5);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      let r = Math.floor((x * 200) / width) + 20;
      let g = Math.floor((y * 180) / height) + 40;
      let b = Math.floor(((x + y) * 150) / (width + height)) + 60;
      for (const s of shapes) {
        const dx = x - s.cx;
        const dy = y - s.cy;
        const inside = s.kind === 0 ? dx * dx + dy * dy <= s.r * s.r : Math.abs(dx) <= s.r && Math.abs(dy) <= (s.r >> 1);
        if (inside) [r, g, b] = s.rgb;
      }
      if (x < width / 3 && y > height / 2 && Math.floor(x / stripePeriod) % 2 === 0) {
        r = 255 - r;
        g = 255 - g;
      }
      if (noise > 0) {
        const n = rand();
        r += (n & 0xff) % (2 * noise + 1) - noise;
        g += ((n >>> 8) & 0xff) % (2 * noise + 1) - noise;
        b += ((n >>> 16) & 0xff) % (2 * noise + 1) - noise;
      }
      data[i] = Math.max(0, Math.min(255, r));
      data[i + 1] = Math.max(0, Math.min(255, g));
      data[i + 2] = Math.max(0, Math.min(255, b));
    }
  }
  return { data, width, height, channels: 3 };
}

/** Raw pixels as a sharp pipeline, ready for `.png()`, `.jpeg()`, ... */
export function fromRaw(image: RawImage): Sharp {
  return sharp(image.data, { raw: { width: image.width, height: image.height, channels: image.channels } });
}

/** Encodes raw pixels losslessly as PNG. */
export async function toPng(image: RawImage): Promise<Uint8Array> {
  return new Uint8Array(await fromRaw(image).png().toBuffer());
}

/** Encodes raw pixels as JPEG (quality 90 unless given). */
export async function toJpeg(image: RawImage, quality = 90): Promise<Uint8Array> {
  return new Uint8Array(await fromRaw(image).jpeg({ quality }).toBuffer());
}

/** Decodes any image to raw 8-bit RGB without resizing (test oracle input). */
export async function decodeRgb(bytes: Uint8Array): Promise<RawImage> {
  const { data, info } = await sharp(bytes).removeAlpha().toColourspace("srgb").raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height, channels: 3 };
}
