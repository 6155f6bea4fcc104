import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { crc32 } from "node:zlib";
import sharp from "sharp";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  IMAGE_TENSOR_LENGTH,
  SharpImagePreprocessor,
  levelTables,
  normaliseRgb224,
  resizeBilinearPillow,
  resizePillow,
} from "../../src/adapters/sharp/sharp-image-preprocessor.ts";
import { DomainError } from "../../src/domain/errors.ts";
import { DEFAULT_PREPROCESSING } from "../../src/model/image-preprocessing.ts";
import { NORMALIZE_CASES, PILLOW_CASES } from "../fixtures/preprocessing/make-fixtures.ts";
import { decodeRgb, fromRaw, gradientRgb, photoLikeRgb, solidRgb, toJpeg, toPng } from "../support/images.ts";

const FIXTURES = path.resolve(import.meta.dirname, "../fixtures/preprocessing");
const MEAN = [0.485, 0.456, 0.406];
const STD = [0.229, 0.224, 0.225];
const PLANE = 224 * 224;
const LIMITS = { maxBytes: 20 * 1024 * 1024, maxPixels: 50_000_000 };

/** Independent oracle: the normalised value of an 8-bit level in channel c. */
function expected(level: number, c: number): number {
  return (level / 255 - MEAN[c]) / STD[c];
}

/** Reads back the 8-bit level of each tensor value (inverse of the normalisation). */
function levelsOf(tensor: Float32Array, offset = 0): Uint8Array {
  const rgb = new Uint8Array(PLANE * 3);
  for (let c = 0; c < 3; c++) {
    for (let p = 0; p < PLANE; p++) rgb[p * 3 + c] = Math.round((tensor[offset + c * PLANE + p] * STD[c] + MEAN[c]) * 255);
  }
  return rgb;
}

function pixel(tensor: Float32Array, x: number, y: number): number[] {
  const rgb = levelsOf(tensor);
  const i = (y * 224 + x) * 3;
  return [rgb[i], rgb[i + 1], rgb[i + 2]];
}

function diff(a: Uint8Array, b: Uint8Array): { mae: number; max: number } {
  expect(a.length).toBe(b.length);
  let sum = 0;
  let max = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    sum += d;
    max = Math.max(max, d);
  }
  return { mae: sum / a.length, max };
}

/** A copy of a PNG whose header claims another size (IHDR patched, CRC recomputed). */
function withPngSize(png: Uint8Array, width: number, height: number): Uint8Array {
  const out = Buffer.from(png);
  out.writeUInt32BE(width, 16);
  out.writeUInt32BE(height, 20);
  out.writeUInt32BE(crc32(out.subarray(12, 29)), 29);
  return new Uint8Array(out);
}

async function rejection(p: Promise<unknown>): Promise<DomainError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(DomainError);
  return e as DomainError;
}

describe(SharpImagePreprocessor.name, () => {
  const sut = new SharpImagePreprocessor(LIMITS);
  const viaSharp = new SharpImagePreprocessor({ ...LIMITS, resampler: "sharp" });

  it("should normalise a solid colour to (v/255 − mean)/std in every position", async () => {
    const png = await toPng(solidRgb(300, 200, [200, 100, 50]));
    for (const pre of [sut, viaSharp]) {
      const t = await pre.preprocess(png);
      expect(t.length).toBe(IMAGE_TENSOR_LENGTH);
      for (let c = 0; c < 3; c++) {
        const want = expected([200, 100, 50][c], c);
        for (let p = 0; p < PLANE; p += 97) expect(t[c * PLANE + p]).toBeCloseTo(want, 6);
      }
    }
  });

  it("should lay out a 224×224 gradient as NCHW without resampling it", async () => {
    const png = await toPng(gradientRgb(224, 224));
    const t = await sut.preprocess(png);
    for (const [x, y] of [[0, 0], [223, 0], [0, 223], [17, 150], [223, 223], [100, 101]]) {
      const levels = [Math.floor((x * 255) / 223), Math.floor((y * 255) / 223), (x + y) & 255];
      for (let c = 0; c < 3; c++) expect(t[c * PLANE + y * 224 + x]).toBeCloseTo(expected(levels[c], c), 6);
    }
  });

  it("should write into a batch tensor at an offset and leave the rest alone", async () => {
    const batch = new Float32Array(IMAGE_TENSOR_LENGTH * 3).fill(7);
    const png = await toPng(solidRgb(50, 50, [0, 0, 0]));
    const out = await sut.preprocess(png, batch, IMAGE_TENSOR_LENGTH);
    expect(out).toBe(batch);
    expect(batch[IMAGE_TENSOR_LENGTH - 1]).toBe(7);
    expect(batch[IMAGE_TENSOR_LENGTH]).toBeCloseTo(expected(0, 0), 6);
    expect(batch[2 * IMAGE_TENSOR_LENGTH - 1]).toBeCloseTo(expected(0, 2), 6);
    expect(batch[2 * IMAGE_TENSOR_LENGTH]).toBe(7);
    await expect(sut.preprocess(png, batch, 2 * IMAGE_TENSOR_LENGTH + 1)).rejects.toThrow(RangeError);
  });

  it("should apply the EXIF orientation (6: rotate 90° clockwise)", async () => {
    // Stored 300×200: left half red, right half blue. Displayed 200×300: the stored left edge is on top.
    const raw = solidRgb(300, 200, [255, 0, 0]);
    for (let y = 0; y < 200; y++) for (let x = 150; x < 300; x++) raw.data.set([0, 0, 255], (y * 300 + x) * 3);
    const jpeg = new Uint8Array(await fromRaw(raw).jpeg({ quality: 95 }).withMetadata({ orientation: 6 }).toBuffer());
    expect((await sharp(jpeg).metadata()).orientation).toBe(6);
    const info = await sut.inspect(jpeg);
    expect([info.width, info.height]).toEqual([200, 300]);
    const t = await sut.preprocess(jpeg);
    const top = pixel(t, 112, 20);
    const bottom = pixel(t, 112, 200);
    expect(top[0]).toBeGreaterThan(230);
    expect(top[2]).toBeLessThan(25);
    expect(bottom[2]).toBeGreaterThan(230);
    expect(bottom[0]).toBeLessThan(25);
  });

  it("should crop the image as displayed (after the EXIF orientation), losslessly", async () => {
    // Stored 300×200: left half red, right half blue; orientation 6 shows it 200×300, red on top.
    const raw = solidRgb(300, 200, [255, 0, 0]);
    for (let y = 0; y < 200; y++) for (let x = 150; x < 300; x++) raw.data.set([0, 0, 255], (y * 300 + x) * 3);
    const jpeg = new Uint8Array(await fromRaw(raw).jpeg({ quality: 95 }).withMetadata({ orientation: 6 }).toBuffer());
    const top = await decodeRgb(await sut.crop(jpeg, { left: 20, top: 10, width: 160, height: 100 }));
    expect([top.width, top.height]).toEqual([160, 100]);
    const bottom = await decodeRgb(await sut.crop(jpeg, { left: 20, top: 190, width: 160, height: 100 }));
    for (const [img, want] of [[top, [255, 0, 0]], [bottom, [0, 0, 255]]] as const) {
      const mid = ((img.height >> 1) * img.width + (img.width >> 1)) * 3;
      for (let c = 0; c < 3; c++) expect(Math.abs(img.data[mid + c] - want[c])).toBeLessThan(25);
    }
    // lossless: a crop of a PNG holds exactly the pixels it covers
    const photo = photoLikeRgb(120, 90, 6);
    const cut = await decodeRgb(await sut.crop(await toPng(photo), { left: 30, top: 40, width: 50, height: 20 }));
    for (let y = 0; y < 20; y++) expect(cut.data.subarray(y * 150, (y + 1) * 150)).toEqual(photo.data.subarray(((40 + y) * 120 + 30) * 3, ((40 + y) * 120 + 80) * 3));
    // a crop whose lossless file would exceed the byte limit is refused (the JPEG itself is under it)
    const noisy = await toJpeg(photoLikeRgb(300, 300, 7), 50);
    const capped = new SharpImagePreprocessor({ maxBytes: noisy.length + 1, maxPixels: LIMITS.maxPixels });
    const tooBig = await rejection(capped.crop(noisy, { left: 0, top: 0, width: 300, height: 300 }));
    expect(tooBig.code).toBe("PAYLOAD_TOO_LARGE");
    expect(tooBig.message).toMatch(/region is 300×300 pixels.*smaller region/);
    expect((await capped.crop(noisy, { left: 0, top: 0, width: 20, height: 20 })).length).toBeGreaterThan(0);
  });

  it("should flatten transparency on white", async () => {
    const rgba = new Uint8Array(100 * 100 * 4);
    for (let i = 0; i < 100 * 100; i++) rgba.set(i < 5000 ? [0, 0, 0, 0] : [0, 0, 0, 128], i * 4);
    const png = new Uint8Array(await fromRaw({ data: rgba, width: 100, height: 100, channels: 4 }).png().toBuffer());
    const t = await sut.preprocess(png);
    expect(pixel(t, 100, 10)).toEqual([255, 255, 255]);
    for (const v of pixel(t, 100, 210)) expect(Math.abs(v - 127)).toBeLessThanOrEqual(1);
  });

  it("should convert greyscale, 16-bit and CMYK images to 8-bit sRGB", async () => {
    const grey = new Uint8Array(await sharp({ create: { width: 64, height: 64, channels: 3, background: { r: 90, g: 90, b: 90 } } }).toColourspace("b-w").png().toBuffer());
    expect((await sharp(grey).metadata()).channels).toBe(1);
    for (const v of pixel(await sut.preprocess(grey), 50, 50)) expect(Math.abs(v - 90)).toBeLessThanOrEqual(1);

    const deep = new Uint8Array(await sharp({ create: { width: 64, height: 64, channels: 3, background: { r: 200, g: 100, b: 50 } } }).toColourspace("rgb16").png().toBuffer());
    expect((await sharp(deep).metadata()).depth).toBe("ushort");
    const d = pixel(await sut.preprocess(deep), 50, 50);
    expect(d.map((v, i) => Math.abs(v - [200, 100, 50][i]))).toEqual([0, 0, 0]);

    for (const withProfile of [false, true]) {
      let cmykPipeline = sharp({ create: { width: 64, height: 64, channels: 3, background: { r: 200, g: 100, b: 50 } } }).toColourspace("cmyk");
      if (withProfile) cmykPipeline = cmykPipeline.withIccProfile("cmyk");
      const cmyk = new Uint8Array(await cmykPipeline.jpeg({ quality: 95 }).toBuffer());
      expect((await sharp(cmyk).metadata()).space).toBe("cmyk");
      const k = pixel(await sut.preprocess(cmyk), 50, 50);
      for (const [i, v] of k.entries()) expect(Math.abs(v - [200, 100, 50][i]), `channel ${i} of ${k}`).toBeLessThanOrEqual(6);
    }
  });

  describe("against Pillow BILINEAR and BICUBIC (committed fixtures)", () => {
    const meta = JSON.parse(readFileSync(path.join(FIXTURES, "pillow-cases.json"), "utf8")) as { inputSha256: Record<string, string> };
    for (const [name, [w, h, seed, filter]] of Object.entries(PILLOW_CASES)) {
      it(`should match Pillow exactly for ${name} (${filter}) and stay within the measured error with sharp's kernel`, async () => {
        const input = photoLikeRgb(w, h, seed, 0);
        expect(createHash("sha256").update(input.data).digest("hex"), "test/support/images.ts changed: rerun make-fixtures.ts").toBe(meta.inputSha256[name]);
        const pillow = (await decodeRgb(readFileSync(path.join(FIXTURES, `${name}.pillow224.png`)))).data;
        const png = await toPng(input);
        const preprocessing = { ...DEFAULT_PREPROCESSING, resample: filter };
        const exact = new SharpImagePreprocessor({ ...LIMITS, preprocessing });

        expect(diff(resizePillow(input.data, w, h, 224, 224, filter), pillow)).toEqual({ mae: 0, max: 0 });
        expect(diff(levelsOf(await exact.preprocess(png)), pillow)).toEqual({ mae: 0, max: 0 });
        if (filter === "bilinear") expect(resizeBilinearPillow(input.data, w, h, 224, 224)).toEqual(pillow);

        const approx = diff(await new SharpImagePreprocessor({ ...LIMITS, preprocessing, resampler: "sharp" }).toRgb(png), pillow);
        expect(approx.max).toBeGreaterThan(0); // the two resamplers really differ...
        // ...by no more than measured (docs/preprocessing.md): downscaling ≤ 0.6 MAE, upscaling ≤ 3.5
        // (≤ 6 with sharp's cubic kernel, whose upscaling grid is off like its linear one).
        expect(approx.mae).toBeLessThan(w >= 224 && h >= 224 ? 0.6 : filter === "bicubic" ? 6 : 3.5);
      });
    }

    it("should tell the two filters apart (BICUBIC's output is not BILINEAR's)", async () => {
      const [w, h, seed] = PILLOW_CASES["bicubic-downscale-448x336"];
      const input = photoLikeRgb(w, h, seed, 0);
      const d = diff(resizePillow(input.data, w, h, 224, 224, "bicubic"), resizePillow(input.data, w, h, 224, 224, "bilinear"));
      expect(d.max).toBeGreaterThan(10);
    });
  });

  describe("rescale and normalise as transformers does (numpy's float32 values, committed)", () => {
    const committed = JSON.parse(readFileSync(path.join(FIXTURES, "normalize-levels.json"), "utf8")) as { tables: string[][] };
    const bits = (t: Float32Array): string => Array.from(new Uint32Array(t.buffer, t.byteOffset, t.length), (b) => b.toString(16).padStart(8, "0")).join(" ");

    for (const [i, p] of NORMALIZE_CASES.entries()) {
      it(`should give every level numpy's exact float32 value (case ${i}: rescale ${p.doRescale}, normalise ${p.doNormalize}, mean ${p.mean.join("/")})`, () => {
        const tables = levelTables(p);
        for (let c = 0; c < 3; c++) expect(bits(tables[c]), `channel ${c}`).toBe(committed.tables[i][c]);
      });
    }

    it("should write the model's own values into the tensor (not the default's)", async () => {
      const p = NORMALIZE_CASES[1];
      const pre = new SharpImagePreprocessor({ ...LIMITS, preprocessing: p });
      const t = await pre.preprocess(await toPng(solidRgb(300, 200, [200, 100, 50])));
      for (let c = 0; c < 3; c++) expect(t[c * PLANE + 1234]).toBe(levelTables(p)[c][[200, 100, 50][c]]);
      expect(t[1234]).toBeCloseTo((200 / 255 - 0.5) / 0.5, 6);
      // the default path is unchanged: the exported 224×224 helper and a default preprocessor agree
      const rgb = await sut.toRgb(await toPng(photoLikeRgb(300, 200, 3)));
      const viaHelper = new Float32Array(IMAGE_TENSOR_LENGTH);
      normaliseRgb224(rgb, viaHelper);
      const viaInstance = new Float32Array(IMAGE_TENSOR_LENGTH);
      sut.normalise(rgb, viaInstance);
      expect(viaInstance).toEqual(viaHelper);
    });
  });

  it("should resize to the model's own size when it is not 224×224", async () => {
    const pre = new SharpImagePreprocessor({ ...LIMITS, preprocessing: { ...DEFAULT_PREPROCESSING, width: 160, height: 96, resample: "bicubic" } });
    const input = photoLikeRgb(400, 300, 8, 0);
    const t = await pre.preprocess(await toPng(input));
    expect(t.length).toBe(3 * 160 * 96);
    expect(pre.tensorLength).toBe(3 * 160 * 96);
    expect(await pre.toRgb(await toPng(input))).toEqual(resizePillow(input.data, 400, 300, 160, 96, "bicubic"));
  });

  it("should keep a solid colour solid and stay within the input's range at any size (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 700 }), fc.integer({ min: 1, max: 700 }), fc.integer({ min: 0, max: 255 }), (w, h, level) => {
        const out = resizeBilinearPillow(solidRgb(w, h, [level, 255 - level, level >> 1]).data, w, h, 224, 224);
        expect(out.length).toBe(PLANE * 3);
        for (let i = 0; i < out.length; i += 3) {
          if (out[i] !== level || out[i + 1] !== 255 - level || out[i + 2] !== level >> 1) return false;
        }
        return true;
      }),
      { numRuns: 60 },
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 400 }), fc.integer({ min: 1, max: 400 }), fc.integer(), (w, h, seed) => {
        const input = photoLikeRgb(w, h, seed >>> 0);
        const out = resizeBilinearPillow(input.data, w, h, 224, 224);
        for (let c = 0; c < 3; c++) {
          let lo = 255;
          let hi = 0;
          for (let i = c; i < input.data.length; i += 3) {
            lo = Math.min(lo, input.data[i]);
            hi = Math.max(hi, input.data[i]);
          }
          for (let i = c; i < out.length; i += 3) if (out[i] < lo || out[i] > hi) return false;
        }
        return true;
      }),
      { numRuns: 40 },
    );
  });

  it("should fall back to sharp's kernel above exactMaxPixels (linear for BILINEAR, cubic for BICUBIC)", async () => {
    const png = await toPng(photoLikeRgb(448, 336, 42, 0));
    const capped = new SharpImagePreprocessor({ ...LIMITS, exactMaxPixels: 1000 });
    expect(await capped.toRgb(png)).toEqual(await viaSharp.toRgb(png));
    expect(await capped.toRgb(png)).not.toEqual(await sut.toRgb(png));
    const atLimit = new SharpImagePreprocessor({ ...LIMITS, exactMaxPixels: 448 * 336 });
    expect(await atLimit.toRgb(png)).toEqual(await sut.toRgb(png));

    const bicubic = { ...DEFAULT_PREPROCESSING, resample: "bicubic" as const };
    const cubicCapped = new SharpImagePreprocessor({ ...LIMITS, exactMaxPixels: 1000, preprocessing: bicubic });
    const cubicSharp = new SharpImagePreprocessor({ ...LIMITS, resampler: "sharp", preprocessing: bicubic });
    expect(await cubicCapped.toRgb(png)).toEqual(await cubicSharp.toRgb(png));
    expect(await cubicCapped.toRgb(png)).not.toEqual(await viaSharp.toRgb(png));
  });

  it("should inspect every accepted format without decoding and report mime, size and checksum", async () => {
    const base = fromRaw(photoLikeRgb(120, 80, 5));
    const cases = [
      ["jpeg", "image/jpeg", await base.clone().jpeg().toBuffer()],
      ["png", "image/png", await base.clone().png().toBuffer()],
      ["webp", "image/webp", await base.clone().webp().toBuffer()],
      ["tiff", "image/tiff", await base.clone().tiff().toBuffer()],
      ["gif", "image/gif", await base.clone().gif().toBuffer()],
      ["avif", "image/avif", await base.clone().avif().toBuffer()],
    ] as const;
    for (const [format, mime, buf] of cases) {
      const bytes = new Uint8Array(buf);
      const info = await sut.inspect(bytes);
      expect(info).toEqual({ format, mime, width: 120, height: 80, sizeBytes: bytes.length, sha256: createHash("sha256").update(bytes).digest("hex") });
      expect((await sut.preprocess(bytes)).length).toBe(IMAGE_TENSOR_LENGTH);
    }
  });

  it("should refuse a truncated JPEG as undecodable (BAD_USER_INPUT)", async () => {
    const jpeg = await toJpeg(photoLikeRgb(400, 300, 9));
    const cut = jpeg.subarray(0, Math.floor(jpeg.length / 2));
    const e = await rejection(sut.preprocess(cut));
    expect(e.code).toBe("BAD_USER_INPUT");
    expect(e.field).toBe("image");
    expect(e.message).toMatch(/could not be decoded/);
    const garbage = await rejection(sut.inspect(jpeg.subarray(0, 20)));
    expect(garbage.code).toBe("BAD_USER_INPUT");
  });

  it("should refuse too many bytes and too many pixels before decoding (PAYLOAD_TOO_LARGE)", async () => {
    const png = await toPng(photoLikeRgb(400, 300, 9));
    const bytesCap = new SharpImagePreprocessor({ maxBytes: 1024 * 1024 / 10, maxPixels: 50_000_000 });
    const big = new Uint8Array(31 * 1024 * 1024);
    big.set(png);
    const e1 = await rejection(bytesCap.inspect(big));
    expect(e1.code).toBe("PAYLOAD_TOO_LARGE");
    expect(e1.message).toBe("Image is 31.0 MB; the limit is 0.1 MB.");

    const pixelCap = new SharpImagePreprocessor({ maxBytes: LIMITS.maxBytes, maxPixels: 100_000 });
    const e2 = await rejection(pixelCap.preprocess(png));
    expect(e2.code).toBe("PAYLOAD_TOO_LARGE");
    expect(e2.message).toBe("Image is 400×300 pixels (0.1 MP); the limit is 0.1 MP.");
    // The header alone decides: a 20000×20000 PNG header on a tiny file is refused too.
    const huge = withPngSize(png, 20000, 20000);
    expect((await sharp(huge, { limitInputPixels: false }).metadata()).width).toBe(20000);
    expect((await rejection(sut.inspect(huge))).code).toBe("PAYLOAD_TOO_LARGE");
  });

  it("should refuse SVG and non-images naming the accepted formats (UNSUPPORTED_MEDIA_TYPE)", async () => {
    const svg = new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>');
    const e1 = await rejection(sut.preprocess(svg));
    expect(e1.code).toBe("UNSUPPORTED_MEDIA_TYPE");
    expect(e1.message).toMatch(/SVG.*JPEG, PNG, WebP, TIFF, GIF or AVIF/);
    const e2 = await rejection(sut.inspect(new TextEncoder().encode("title,artist\nSunflowers,Van Gogh\n")));
    expect(e2.code).toBe("UNSUPPORTED_MEDIA_TYPE");
    expect(e2.message).toMatch(/JPEG, PNG, WebP, TIFF, GIF or AVIF/);
    expect((await rejection(sut.inspect(new Uint8Array(0)))).code).toBe("BAD_USER_INPUT");
  });
});
