import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InvalidInputError } from "../domain/errors.ts";
import { METADATA_GROUP_NAMES } from "../ports/metadata-encoder.port.ts";
import type { MetadataGroupName } from "../ports/metadata-encoder.port.ts";
import { blend, blendLayout, explain, rescore, reweightQuery } from "./blend.ts";
import type { BlendLayout } from "./blend.ts";
import { META_V1_LAYOUT, MetadataEncoderV1 } from "./metadata-encoder.v1.ts";
import { dotSlice, l2Norm, normaliseInPlace } from "./normalise.ts";
import { BLEND_PART_NAMES, DEFAULT_SIMILARITY_WEIGHTS, normaliseWeights, partWeights } from "./similarity-weights.ts";
import type { BlendPartName, SimilarityWeights } from "./similarity-weights.ts";

const IMAGE_DIM = 24;
const layout: BlendLayout = blendLayout(IMAGE_DIM, META_V1_LAYOUT);
const FC = { seed: 4242, numRuns: 200 } as const;

/** Deterministic Gaussian-ish values from a seed (mulberry32 + Box-Muller). */
function randomVector(length: number, seed: number): Float32Array {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const v = new Float32Array(length);
  for (let i = 0; i < length; i++) v[i] = Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
  return v;
}

function unitImage(seed: number): Float32Array {
  const v = randomVector(IMAGE_DIM, seed);
  normaliseInPlace(v);
  return v;
}

/** A metadata vector with every group a unit vector, optionally with some groups zeroed. */
function metadata(seed: number, missing: readonly MetadataGroupName[] = []): Float32Array {
  const v = randomVector(META_V1_LAYOUT.dimension, seed);
  for (const g of META_V1_LAYOUT.groups) {
    if (missing.includes(g.name)) v.fill(0, g.offset, g.offset + g.length);
    else normaliseInPlace(v, g.offset, g.length);
  }
  return v;
}

function partCos(a: Float32Array, b: Float32Array, name: BlendPartName): number {
  const p = layout.parts.find((x) => x.name === name)!;
  const na = l2Norm(a, p.offset, p.length);
  const nb = l2Norm(b, p.offset, p.length);
  return na && nb ? dotSlice(a, b, p.offset, p.length) / (na * nb) : 0;
}

function weightedCosines(a: Float32Array, b: Float32Array, w: SimilarityWeights): number {
  const pw = partWeights(normaliseWeights(w));
  return BLEND_PART_NAMES.reduce((s, p) => s + pw[p] * partCos(a, b, p), 0);
}

const weight = fc.oneof(fc.constant(0), fc.double({ min: 0.01, max: 10, noNaN: true }));
const weightsArb: fc.Arbitrary<SimilarityWeights> = fc
  .record({
    image: fc.double({ min: 0.01, max: 10, noNaN: true }),
    metadata: fc.double({ min: 0.01, max: 10, noNaN: true }),
    groups: fc.record({ artist: fc.double({ min: 0.01, max: 10, noNaN: true }), medium: weight, time: weight, provenance: weight, size: weight, palette: weight }),
  })
  .map((w) => normaliseWeights(w));
const seed = fc.integer({ min: 1, max: 2 ** 31 - 1 });

describe(blend.name, () => {
  it("should make dot(v_a, v_b) = w_image·cos(img) + w_meta·Σ g_k·cos(meta_k) for works with every part", () => {
    fc.assert(
      fc.property(weightsArb, seed, seed, (w, s1, s2) => {
        const ia = unitImage(s1);
        const ib = unitImage(s2);
        const ma = metadata(s1 + 1);
        const mb = metadata(s2 + 1);
        const a = blend(ia, ma, w, layout);
        const b = blend(ib, mb, w, layout);
        expect(a.length).toBe(IMAGE_DIM + 368);
        expect(l2Norm(a)).toBeCloseTo(1, 5);
        let expected = w.image * dotSlice(ia, ib);
        for (const g of META_V1_LAYOUT.groups) expected += w.metadata * w.groups[g.name] * dotSlice(ma, mb, g.offset, g.length);
        expect(dotSlice(a, b)).toBeCloseTo(expected, 5);
      }),
      FC,
    );
  });

  it("should store a work without an image as zeros in the image part and a unit-length vector", () => {
    const m = metadata(7);
    const v = blend(null, m, DEFAULT_SIMILARITY_WEIGHTS, layout);
    expect(l2Norm(v, 0, IMAGE_DIM)).toBe(0);
    expect(l2Norm(v)).toBeCloseTo(1, 6);
    expect(dotSlice(v, v)).toBeCloseTo(1, 6);
  });

  it("should score two works without images by their full metadata similarity, and one with an image at √w_meta of it", () => {
    const w = DEFAULT_SIMILARITY_WEIGHTS;
    const ma = metadata(11);
    const mb = metadata(12);
    let metaSim = 0;
    for (const g of META_V1_LAYOUT.groups) metaSim += w.groups[g.name] * dotSlice(ma, mb, g.offset, g.length);
    const a = blend(null, ma, w, layout);
    const b = blend(null, mb, w, layout);
    const bWithImage = blend(unitImage(3), mb, w, layout);
    expect(dotSlice(a, b)).toBeCloseTo(metaSim, 5);
    expect(dotSlice(a, bWithImage)).toBeCloseTo(Math.sqrt(w.metadata) * metaSim, 5);
  });

  it("should rescale by √(Σ present weights) when metadata groups are missing", () => {
    const w = DEFAULT_SIMILARITY_WEIGHTS;
    const img = unitImage(5);
    const a = blend(img, metadata(21, ["palette", "provenance"]), w, layout);
    expect(l2Norm(a)).toBeCloseTo(1, 6);
    const present = 1 - w.metadata * (w.groups.palette + w.groups.provenance);
    // the image part of a is √w_image·img / √present
    expect(l2Norm(a, 0, IMAGE_DIM)).toBeCloseTo(Math.sqrt(w.image / present), 5);
  });

  it("should blend a work with no part at all to zeros, never NaN", () => {
    const v = blend(null, new Float32Array(368), DEFAULT_SIMILARITY_WEIGHTS, layout);
    expect(v.every((x) => x === 0)).toBe(true);
  });

  it("should normalise a non-unit image embedding and reject vectors of the wrong length", () => {
    const img = unitImage(9);
    const m = metadata(9);
    const twice = img.map((x) => 2 * x);
    expect(blend(twice, m, DEFAULT_SIMILARITY_WEIGHTS, layout)).toEqual(blend(img, m, DEFAULT_SIMILARITY_WEIGHTS, layout));
    expect(() => blend(new Float32Array(3), m, DEFAULT_SIMILARITY_WEIGHTS, layout)).toThrow(RangeError);
    expect(() => blend(img, new Float32Array(10), DEFAULT_SIMILARITY_WEIGHTS, layout)).toThrow(RangeError);
  });

  it("should keep a work nearer to itself with another image than to an unrelated work (real encoder)", () => {
    const enc = new MetadataEncoderV1();
    const work = { artists: [{ key: "a1", nationality: "Dutch" }], mediumCategory: "painting", medium: "oil on panel", yearStart: 1650, yearEnd: 1655, widthCm: 40, heightCm: 50 };
    const other = { artists: [{ key: "b9", nationality: "American" }], mediumCategory: "photograph", medium: "gelatin silver print", yearStart: 1950, yearEnd: 1950, widthCm: 20, heightCm: 25 };
    const a = blend(unitImage(1), enc.encode(work), DEFAULT_SIMILARITY_WEIGHTS, layout);
    const b = blend(unitImage(2), enc.encode(work), DEFAULT_SIMILARITY_WEIGHTS, layout);
    const c = blend(unitImage(2), enc.encode(other), DEFAULT_SIMILARITY_WEIGHTS, layout);
    expect(dotSlice(a, b)).toBeGreaterThan(dotSlice(a, c) + 0.3);
  });
});

describe(explain.name, () => {
  it("should split any dot product into parts that sum to it", () => {
    fc.assert(
      fc.property(seed, seed, fc.boolean(), (s1, s2, imageless) => {
        const a = blend(imageless ? null : unitImage(s1), metadata(s1 + 1, s1 % 3 ? [] : ["time"]), DEFAULT_SIMILARITY_WEIGHTS, layout);
        const b = randomVector(layout.dimension, s2); // any vector, not only blended ones
        const e = explain(a, b, layout);
        const groupSum = METADATA_GROUP_NAMES.reduce((s, k) => s + e.groups[k], 0);
        expect(Math.abs(e.metadata - groupSum)).toBeLessThan(1e-5);
        expect(Math.abs(e.image + e.metadata - e.total)).toBeLessThan(1e-5);
        expect(Math.abs(e.total - dotSlice(a, b))).toBeLessThan(1e-5);
      }),
      FC,
    );
  });

  it("should give each part W_p·cos_p for blended works with every part", () => {
    const w = normaliseWeights({ image: 0.7, metadata: 0.3, groups: { artist: 1, medium: 1, time: 1, provenance: 0, size: 0, palette: 0 } });
    const ia = unitImage(31);
    const ib = unitImage(32);
    const a = blend(ia, metadata(33), w, layout);
    const b = blend(ib, metadata(34), w, layout);
    const e = explain(a, b, layout);
    expect(e.image).toBeCloseTo(0.7 * dotSlice(ia, ib), 5);
    expect(e.groups.artist).toBeCloseTo(0.1 * partCos(a, b, "artist"), 5);
    expect(e.groups.provenance).toBe(0);
  });
});

describe(reweightQuery.name, () => {
  it("should make dot(reweighted query, stored vector) = Σ W'_p·cos_p for stored vectors with every part", () => {
    fc.assert(
      fc.property(weightsArb, weightsArb, seed, seed, fc.boolean(), (stored, wanted, s1, s2, queryHasImage) => {
        fc.pre(BLEND_PART_NAMES.every((p) => partWeights(stored)[p] > 0 || partWeights(wanted)[p] === 0));
        const q = blend(queryHasImage ? unitImage(s1) : null, metadata(s1 + 1), stored, layout);
        const v = blend(unitImage(s2), metadata(s2 + 1), stored, layout);
        const q2 = reweightQuery(q, stored, wanted, layout);
        expect(dotSlice(q2, v)).toBeCloseTo(weightedCosines(q, v, wanted), 5);
        expect(dotSlice(q2, v)).toBeCloseTo(rescore(q, v, wanted, layout).total, 5);
      }),
      FC,
    );
  });

  it("should rank candidates as rescoring does when the candidates have every part", () => {
    const stored = DEFAULT_SIMILARITY_WEIGHTS;
    const wanted = normaliseWeights({ image: 0.1, metadata: 0.9, groups: { artist: 0.6, medium: 0.1, time: 0.1, provenance: 0.1, size: 0.05, palette: 0.05 } });
    const q = blend(unitImage(100), metadata(101), stored, layout);
    const cands = Array.from({ length: 40 }, (_, i) => blend(unitImage(200 + i), metadata(300 + i), stored, layout));
    const q2 = reweightQuery(q, stored, wanted, layout);
    const byQuery = cands.map((c, i) => [i, dotSlice(q2, c)] as const).sort((x, y) => y[1] - x[1]).map((x) => x[0]);
    const byRescore = cands.map((c, i) => [i, rescore(q, c, wanted, layout).total] as const).sort((x, y) => y[1] - x[1]).map((x) => x[0]);
    const byStored = cands.map((c, i) => [i, dotSlice(q, c)] as const).sort((x, y) => y[1] - x[1]).map((x) => x[0]);
    expect(byQuery).toEqual(byRescore);
    expect(byQuery).not.toEqual(byStored); // the new weights do change the order
  });

  it("should scale the score of a candidate with missing parts by that candidate's own rescale", () => {
    const stored = DEFAULT_SIMILARITY_WEIGHTS;
    const wanted = normaliseWeights({ image: 0.2, metadata: 0.8 });
    const q = blend(unitImage(1), metadata(2), stored, layout);
    const v = blend(null, metadata(3), stored, layout);
    const sv = 1 / Math.sqrt(stored.metadata);
    expect(dotSlice(reweightQuery(q, stored, wanted, layout), v)).toBeCloseTo(sv * weightedCosines(q, v, wanted), 5);
  });

  it("should refuse to weight a part the index stores with weight 0", () => {
    const stored = normaliseWeights({ groups: { palette: 0 } });
    const q = blend(unitImage(1), metadata(2), stored, layout);
    const attempt = () => reweightQuery(q, stored, DEFAULT_SIMILARITY_WEIGHTS, layout);
    expect(attempt).toThrow(InvalidInputError);
    expect(attempt).toThrow(/palette/);
    try {
      attempt();
    } catch (e) {
      expect((e as InvalidInputError).field).toBe("weights.palette");
    }
    expect(() => reweightQuery(q, stored, normaliseWeights({ groups: { palette: 0 } }), layout)).not.toThrow();
  });
});

describe(rescore.name, () => {
  it("should equal the stored dot product when the weights are the stored ones and every part is present", () => {
    fc.assert(
      fc.property(weightsArb, seed, seed, (w, s1, s2) => {
        const a = blend(unitImage(s1), metadata(s1 + 1), w, layout);
        const b = blend(unitImage(s2), metadata(s2 + 1), w, layout);
        const r = rescore(a, b, w, layout);
        expect(r.total).toBeCloseTo(dotSlice(a, b), 5);
        expect(r.total).toBeCloseTo(r.image + r.metadata, 6);
      }),
      FC,
    );
  });

  it("should count a part missing on either side as 0", () => {
    const a = blend(null, metadata(1), DEFAULT_SIMILARITY_WEIGHTS, layout);
    const b = blend(unitImage(2), metadata(1), DEFAULT_SIMILARITY_WEIGHTS, layout);
    const r = rescore(a, b, DEFAULT_SIMILARITY_WEIGHTS, layout);
    expect(r.image).toBe(0);
    expect(r.metadata).toBeCloseTo(0.5, 5); // identical metadata: w_meta·Σ g_k·1
  });
});
