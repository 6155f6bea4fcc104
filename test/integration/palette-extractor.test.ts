import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { SharpPaletteExtractor } from "../../src/adapters/sharp/sharp-palette-extractor.ts";
import { InvalidInputError } from "../../src/domain/errors.ts";
import type { PaletteColour } from "../../src/domain/artwork.ts";
import { parseHex } from "../../src/encoding/colour.ts";
import { photoLikeRgb, toJpeg } from "../support/images.ts";

const sut = new SharpPaletteExtractor();

/** An image of vertical bands, each `widths[i]` pixels wide in colour `colours[i]`. */
async function bands(colours: readonly (readonly [number, number, number, number?])[], widths: readonly number[], height: number, format: "png" | "jpeg" = "png"): Promise<Uint8Array> {
  const width = widths.reduce((a, b) => a + b, 0);
  const data = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    let x = 0;
    colours.forEach((c, i) => {
      for (let j = 0; j < widths[i]; j++, x++) data.set([c[0], c[1], c[2], c[3] ?? 255], (y * width + x) * 4);
    });
  }
  const img = sharp(data, { raw: { width, height, channels: 4 } });
  return new Uint8Array(format === "png" ? await img.png().toBuffer() : await img.jpeg({ quality: 95 }).toBuffer());
}

function near(colour: PaletteColour, rgb: readonly [number, number, number], tolerance = 6): boolean {
  const c = parseHex(colour.hex)!;
  return c.every((v, i) => Math.abs(v - rgb[i]) <= tolerance);
}

function find(palette: PaletteColour[], rgb: readonly [number, number, number], tolerance = 6): PaletteColour | undefined {
  return palette.find((c) => near(c, rgb, tolerance));
}

function expectWellFormed(palette: PaletteColour[]): void {
  expect(palette.length).toBeGreaterThan(0);
  expect(palette.length).toBeLessThanOrEqual(5);
  expect(palette.reduce((s, c) => s + c.weight, 0)).toBeCloseTo(1, 9);
  for (const c of palette) expect(c.hex).toMatch(/^#[0-9a-f]{6}$/);
  for (let i = 1; i < palette.length; i++) expect(palette[i - 1].weight).toBeGreaterThanOrEqual(palette[i].weight);
}

describe(SharpPaletteExtractor.name, () => {
  it("should find red and blue at about half each in a half red, half blue image", async () => {
    const palette = await sut.extract(await bands([[255, 0, 0], [0, 0, 255]], [150, 150], 90));
    expectWellFormed(palette);
    expect(palette).toHaveLength(2);
    expect(find(palette, [255, 0, 0])?.weight).toBeCloseTo(0.5, 2);
    expect(find(palette, [0, 0, 255])?.weight).toBeCloseTo(0.5, 2);
  });

  it("should find red and blue at about half each in a JPEG too (compression noise clustered away)", async () => {
    const palette = await sut.extract(await bands([[220, 20, 20], [20, 20, 220]], [320, 320], 200, "jpeg"));
    expectWellFormed(palette);
    const red = palette.filter((c) => near(c, [220, 20, 20], 30)).reduce((s, c) => s + c.weight, 0);
    const blue = palette.filter((c) => near(c, [20, 20, 220], 30)).reduce((s, c) => s + c.weight, 0);
    expect(red).toBeGreaterThan(0.45);
    expect(blue).toBeGreaterThan(0.45);
  });

  it("should weigh colours by the share of the image they cover", async () => {
    const palette = await sut.extract(await bands([[0, 160, 0], [255, 255, 0], [40, 40, 40]], [128, 64, 64], 64));
    expectWellFormed(palette);
    expect(palette.map((c) => c.hex)).toEqual(["#00a000", "#282828", "#ffff00"]); // by share, then hex
    expect(palette[0].weight).toBeCloseTo(0.5, 2);
    expect(palette[1].weight).toBeCloseTo(0.25, 2);
    expect(palette[2].weight).toBeCloseTo(0.25, 2);
  });

  it("should flatten transparency on white", async () => {
    const palette = await sut.extract(await bands([[255, 0, 0, 0], [255, 0, 0, 255]], [50, 50], 20));
    expect(find(palette, [255, 255, 255], 0)?.weight).toBeCloseTo(0.5, 2);
    expect(find(palette, [255, 0, 0], 0)?.weight).toBeCloseTo(0.5, 2);
  });

  it("should read greyscale and 16-bit images as 8-bit sRGB", async () => {
    const grey = await sharp({ create: { width: 40, height: 30, channels: 3, background: { r: 128, g: 128, b: 128 } } }).greyscale().png().toBuffer();
    expect(await sut.extract(grey)).toEqual([{ hex: "#808080", weight: 1 }]);
    const deep = await sharp({ create: { width: 40, height: 30, channels: 3, background: { r: 0, g: 128, b: 255 } } }).png().toColourspace("rgb16").toBuffer();
    expect((await sharp(deep).metadata()).depth).toBe("ushort");
    const [only] = await sut.extract(deep);
    expect(near(only, [0, 128, 255], 2)).toBe(true);
    expect(only.weight).toBe(1);
  });

  it("should give at most five colours for a photo-like image, the same every time", async () => {
    const bytes = await toJpeg(photoLikeRgb(400, 300, 7));
    const first = await sut.extract(bytes);
    expectWellFormed(first);
    expect(first).toHaveLength(5);
    expect(await new SharpPaletteExtractor().extract(bytes)).toEqual(first);
  });

  it("should reject bytes that are not an image", async () => {
    await expect(sut.extract(new TextEncoder().encode("not an image"))).rejects.toBeInstanceOf(InvalidInputError);
  });
});
