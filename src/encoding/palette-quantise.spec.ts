import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { quantisePalette } from "./palette-quantise.ts";

function pixels(colours: readonly (readonly [number, number, number])[], counts: readonly number[]): Uint8Array {
  const out: number[] = [];
  colours.forEach((c, i) => {
    for (let j = 0; j < counts[i]; j++) out.push(...c);
  });
  return new Uint8Array(out);
}

describe(quantisePalette.name, () => {
  it("should return each colour with its share when there are at most maxColours colours", () => {
    expect(quantisePalette(pixels([[255, 0, 0], [0, 0, 255]], [30, 10]))).toEqual([
      { hex: "#ff0000", weight: 0.75 },
      { hex: "#0000ff", weight: 0.25 },
    ]);
  });

  it("should return an empty palette for no pixels and reject a partial pixel", () => {
    expect(quantisePalette(new Uint8Array(0))).toEqual([]);
    expect(() => quantisePalette(new Uint8Array(4))).toThrow(RangeError);
  });

  it("should group near colours together when there are more colours than clusters", () => {
    const reds = [[250, 0, 0], [240, 10, 5], [255, 5, 10]] as const;
    const blues = [[0, 0, 250], [10, 5, 240], [5, 10, 255]] as const;
    const palette = quantisePalette(pixels([...reds, ...blues], [10, 10, 10, 10, 10, 10]), { maxColours: 2 });
    expect(palette).toHaveLength(2);
    expect(palette.map((c) => c.weight)).toEqual([0.5, 0.5]);
    expect(palette.map((c) => c.hex).sort()).toEqual(["#0505f8", "#f80505"]);
  });

  it("should keep at most maxColours, shares summing to 1, and not depend on pixel order", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 3, maxLength: 600 }), fc.integer({ min: 1, max: 8 }), fc.integer(), (bytes, k, shuffleSeed) => {
        const rgb = bytes.subarray(0, bytes.length - (bytes.length % 3));
        fc.pre(rgb.length >= 3);
        const palette = quantisePalette(rgb, { maxColours: k });
        expect(palette.length).toBeGreaterThan(0);
        expect(palette.length).toBeLessThanOrEqual(k);
        expect(palette.reduce((s, c) => s + c.weight, 0)).toBeCloseTo(1, 9);
        // reversing the pixel order (a different image with the same colours) gives the same palette
        const n = rgb.length / 3;
        const rev = new Uint8Array(rgb.length);
        for (let i = 0; i < n; i++) rev.set(rgb.subarray(i * 3, i * 3 + 3), ((i + (shuffleSeed >>> 0)) % n) * 3);
        expect(quantisePalette(rev, { maxColours: k })).toEqual(palette);
      }),
      { seed: 99, numRuns: 150 },
    );
  });
});
