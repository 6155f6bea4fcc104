import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InvalidInputError } from "../domain/errors.ts";
import { METADATA_GROUP_NAMES } from "../ports/metadata-encoder.port.ts";
import { BLEND_PART_NAMES, DEFAULT_SIMILARITY_WEIGHTS, normaliseWeights, partWeights } from "./similarity-weights.ts";
import type { SimilarityWeights } from "./similarity-weights.ts";

function expectClose(a: SimilarityWeights, b: SimilarityWeights): void {
  expect(a.image).toBeCloseTo(b.image, 12);
  expect(a.metadata).toBeCloseTo(b.metadata, 12);
  for (const k of METADATA_GROUP_NAMES) expect(a.groups[k]).toBeCloseTo(b.groups[k], 12);
}

function fieldOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidInputError);
    return (e as InvalidInputError).field;
  }
  throw new Error("expected a throw");
}

describe(normaliseWeights.name, () => {
  it("should return the defaults when nothing is given, already normalised", () => {
    expectClose(normaliseWeights(), DEFAULT_SIMILARITY_WEIGHTS);
    expectClose(normaliseWeights(null), DEFAULT_SIMILARITY_WEIGHTS);
    expect(DEFAULT_SIMILARITY_WEIGHTS).toEqual({ image: 0.5, metadata: 0.5, groups: { artist: 0.3, medium: 0.2, time: 0.2, provenance: 0.1, size: 0.1, palette: 0.1 } });
  });

  it("should scale the top level and the groups each to sum to 1, and the part weights to sum to 1", () => {
    const pos = fc.double({ min: 0, max: 1e6, noNaN: true });
    fc.assert(
      fc.property(pos, pos, fc.record({ artist: pos, medium: pos, time: pos, provenance: pos, size: pos, palette: pos }), (image, metadata, groups) => {
        fc.pre(image + metadata > 0 && Object.values(groups).some((x) => x > 0));
        const w = normaliseWeights({ image, metadata, groups });
        expect(w.image + w.metadata).toBeCloseTo(1, 9);
        expect(METADATA_GROUP_NAMES.reduce((s, k) => s + w.groups[k], 0)).toBeCloseTo(1, 9);
        const pw = partWeights(w);
        expect(BLEND_PART_NAMES.reduce((s, k) => s + pw[k], 0)).toBeCloseTo(1, 9);
        expectClose(normaliseWeights(w), w); // idempotent up to float rounding
      }),
      { seed: 7, numRuns: 200 },
    );
  });

  it("should fill fields left out from the defaults before normalising", () => {
    const w = normaliseWeights({ image: 1, metadata: 3, groups: { artist: 0.7 } });
    expect(w.image).toBeCloseTo(0.25, 12);
    expect(w.groups.artist).toBeCloseTo(0.7 / 1.4, 12);
    expect(w.groups.medium).toBeCloseTo(0.2 / 1.4, 12);
  });

  it("should name the field of a negative, NaN or infinite weight", () => {
    expect(fieldOf(() => normaliseWeights({ image: -1 }))).toBe("weights.image");
    expect(fieldOf(() => normaliseWeights({ metadata: Number.NaN }))).toBe("weights.metadata");
    expect(fieldOf(() => normaliseWeights({ groups: { time: Number.POSITIVE_INFINITY } }))).toBe("weights.time");
    expect(fieldOf(() => normaliseWeights({ groups: { palette: -0.1 } }))).toBe("weights.palette");
  });

  it("should scale the largest finite weights like any others (no overflow to 'both are 0')", () => {
    const huge = normaliseWeights({ image: Number.MAX_VALUE, metadata: Number.MAX_VALUE, groups: { artist: 1e308, medium: 1e308, time: 0, provenance: 0, size: 0, palette: 0 } });
    expect(huge.image).toBeCloseTo(0.5, 12);
    expect(huge.metadata).toBeCloseTo(0.5, 12);
    expect(huge.groups.artist).toBeCloseTo(0.5, 12);
    expect(huge.groups.time).toBe(0);
    const tiny = normaliseWeights({ image: 5e-324, metadata: 0 });
    expect(tiny.image).toBe(1);
  });

  it("should reject all-zero weights at either level", () => {
    expect(fieldOf(() => normaliseWeights({ image: 0, metadata: 0 }))).toBe("weights");
    expect(fieldOf(() => normaliseWeights({ groups: { artist: 0, medium: 0, time: 0, provenance: 0, size: 0, palette: 0 } }))).toBe("weights");
  });
});
