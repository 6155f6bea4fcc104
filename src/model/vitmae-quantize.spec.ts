import { describe, expect, it } from "vitest";
import { quantizeColumnsInt8 } from "./vitmae-quantize.ts";

describe(quantizeColumnsInt8.name, () => {
  it("should map each column's largest |weight| to ±127 and keep every weight within half a step", () => {
    // 3 × 2, row-major: column 0 = [0.5, -1, 0.25], column 1 = [0.006, 0.02, -0.004]
    const w = new Float32Array([0.5, 0.006, -1, 0.02, 0.25, -0.004]);
    const { q, scales } = quantizeColumnsInt8(w, 3, 2);
    expect(scales[0]).toBeCloseTo(1 / 127, 7);
    expect(scales[1]).toBeCloseTo(0.02 / 127, 9);
    expect(Array.from(q)).toEqual([64, 38, -127, 127, 32, -25]);
    for (let i = 0; i < w.length; i++) expect(Math.abs(w[i] - q[i] * scales[i % 2])).toBeLessThanOrEqual(scales[i % 2] / 2 + 1e-9);
  });

  it("should leave an all-zero column at zero", () => {
    const { q, scales } = quantizeColumnsInt8(new Float32Array([0, 1, 0, -1]), 2, 2);
    expect(Array.from(q)).toEqual([0, 127, 0, -127]);
    expect(Number.isFinite(scales[0]) && scales[0] > 0).toBe(true);
  });
});
