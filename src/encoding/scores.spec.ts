import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { METADATA_GROUP_NAMES, type MetadataGroupName } from "../ports/metadata-encoder.port.ts";
import { blend, blendLayout, reweightQuery, type BlendLayout, type ScoreParts } from "./blend.ts";
import { META_V1_LAYOUT } from "./metadata-encoder.v1.ts";
import { cosine, dotSlice } from "./normalise.ts";
import { averageQuery, bestScore, bestScoreParts, cosineParts, weightedCosineParts } from "./scores.ts";
import { BLEND_PART_NAMES, normaliseWeights, partWeights, type BlendPartName, type SimilarityWeights } from "./similarity-weights.ts";

const IMAGE_DIM = 16;
const layout: BlendLayout = blendLayout(IMAGE_DIM, META_V1_LAYOUT);
const FC = { seed: 1414, numRuns: 300 } as const;
const EPS = 1e-9;

const component = fc.double({ min: -1, max: 1, noNaN: true, noDefaultInfinity: true });
const weight = fc.oneof(fc.constant(0), fc.double({ min: 0.01, max: 10, noNaN: true }));
/** Weights as a caller gives them, some parts 0 (at least one top-level and one group weight above 0). */
const weightsArb: fc.Arbitrary<SimilarityWeights> = fc
  .record({
    image: weight,
    metadata: fc.double({ min: 0.01, max: 10, noNaN: true }),
    groups: fc.record({ artist: fc.double({ min: 0.01, max: 10, noNaN: true }), medium: weight, time: weight, provenance: weight, size: weight, palette: weight }),
  })
  .map((w) => normaliseWeights(w));

/** A work: a random image (or none) and metadata with random groups missing (all zeros). */
const workArb = fc
  .record({
    image: fc.option(fc.array(component, { minLength: IMAGE_DIM, maxLength: IMAGE_DIM }), { nil: null }),
    meta: fc.array(component, { minLength: META_V1_LAYOUT.dimension, maxLength: META_V1_LAYOUT.dimension }),
    missing: fc.subarray([...METADATA_GROUP_NAMES]),
  })
  .map(({ image, meta, missing }) => {
    const m = Float32Array.from(meta);
    for (const g of META_V1_LAYOUT.groups) if (missing.includes(g.name)) m.fill(0, g.offset, g.offset + g.length);
    return { image: image ? Float32Array.from(image) : null, meta: m };
  });

function sumOfParts(p: ScoreParts): number {
  return p.image + Object.values(p.groups).reduce((a, b) => a + b, 0);
}

function expectAddsUp(p: ScoreParts): void {
  expect(Math.abs(sumOfParts(p) - p.total)).toBeLessThan(1e-9);
  expect(Math.abs(Object.values(p.groups).reduce((a, b) => a + b, 0) - p.metadata)).toBeLessThan(1e-9);
}

function inRange(x: number): void {
  expect(x).toBeGreaterThanOrEqual(-1 - EPS);
  expect(x).toBeLessThanOrEqual(1 + EPS);
}

/** Brute force: both works blended afresh with `w` (float64), then their plain cosine. */
function reblendedCosine(a: { image: Float32Array | null; meta: Float32Array }, b: { image: Float32Array | null; meta: Float32Array }, w: SimilarityWeights): number {
  const pw = partWeights(w);
  const parts = (x: { image: Float32Array | null; meta: Float32Array }): number[] => {
    const v = new Float32Array(layout.dimension);
    if (x.image) v.set(x.image, 0);
    v.set(x.meta, IMAGE_DIM);
    const out: number[] = [];
    for (const p of layout.parts) {
      const slice = Array.from(v.subarray(p.offset, p.offset + p.length));
      const n = Math.hypot(...slice);
      const scale = n > 0 && Number.isFinite(n) ? Math.sqrt(pw[p.name as BlendPartName]) / n : 0;
      out.push(...slice.map((x) => x * scale));
    }
    return out;
  };
  return cosine(parts(a), parts(b));
}

describe("the similarity of two works (weightedCosineParts)", () => {
  it("is the cosine of the two works blended afresh with the request's weights: in −1 … 1, parts adding up, whatever the stored weights and missing parts", () => {
    fc.assert(
      fc.property(workArb, workArb, weightsArb, weightsArb, (a, b, stored, wanted) => {
        // the request may only weight parts the index stores (reweightQuery refuses the rest)
        fc.pre(BLEND_PART_NAMES.every((p) => partWeights(stored)[p] > 0 || partWeights(wanted)[p] === 0));
        const va = blend(a.image, a.meta, stored, layout);
        const vb = blend(b.image, b.meta, stored, layout);
        const parts = weightedCosineParts(va, vb, wanted, layout);
        inRange(parts.total);
        expectAddsUp(parts);
        expect(parts.total).toBeCloseTo(reblendedCosine(a, b, wanted), 5);
        // the query-scaled query the index is searched with scores the same
        const scaled = weightedCosineParts(reweightQuery(va, stored, wanted, layout), vb, wanted, layout);
        expect(scaled.total).toBeCloseTo(parts.total, 6);
      }),
      FC,
    );
  });

  it("with the stored weights, equals the dot product of the stored unit vectors (the index's cosine)", () => {
    fc.assert(
      fc.property(workArb, workArb, weightsArb, (a, b, stored) => {
        const va = blend(a.image, a.meta, stored, layout);
        const vb = blend(b.image, b.meta, stored, layout);
        expect(weightedCosineParts(va, vb, stored, layout).total).toBeCloseTo(dotSlice(va, vb), 5);
      }),
      FC,
    );
  });

  it("a work scores 1 against itself under any weights it has a part for, and artist-only weights give the artist cosine", () => {
    const image = Float32Array.from({ length: IMAGE_DIM }, (_, i) => Math.sin(i + 1));
    const meta = Float32Array.from({ length: META_V1_LAYOUT.dimension }, (_, i) => Math.cos(i * 0.7));
    const other = Float32Array.from({ length: META_V1_LAYOUT.dimension }, (_, i) => Math.cos(i * 0.3));
    const stored = normaliseWeights({});
    const v = blend(image, meta, stored, layout);
    const noImage = blend(null, other, stored, layout);
    expect(weightedCosineParts(v, v, normaliseWeights({ image: 0 }), layout).total).toBeCloseTo(1, 6);
    const artistOnly = normaliseWeights({ image: 0, groups: { artist: 1, medium: 0, time: 0, provenance: 0, size: 0, palette: 0 } });
    const g = META_V1_LAYOUT.groups.find((x) => x.name === "artist")!;
    const artistCos = cosine(meta.subarray(g.offset, g.offset + g.length), other.subarray(g.offset, g.offset + g.length));
    const parts = weightedCosineParts(v, noImage, artistOnly, layout);
    expect(parts.total).toBeCloseTo(artistCos, 6);
    expect(parts.groups.artist).toBeCloseTo(artistCos, 6);
    // before: query scaling's dot product with a work stored without an image was √2 times too large
    expect(Math.abs(dotSlice(reweightQuery(v, stored, artistOnly, layout), noImage))).toBeGreaterThan(Math.abs(artistCos) * 1.4);
  });
});

describe("recommendation scores", () => {
  const sims = fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: 0, maxLength: 5 });

  it("BEST_SCORE is Qdrant's rule: the best liked similarity when it beats the best disliked one, else −(best disliked)²; in −1 … 1", () => {
    fc.assert(
      fc.property(sims.filter((x) => x.length > 0), sims, (pos, neg) => {
        const { score, example } = bestScore(pos, neg);
        const maxPos = Math.max(...pos);
        const maxNeg = neg.length ? Math.max(...neg) : -Infinity;
        expect(score).toBe(maxPos > maxNeg ? maxPos : -(maxNeg * maxNeg));
        expect(example.kind).toBe(maxPos > maxNeg ? "positive" : "negative");
        inRange(score);
        if (example.kind === "negative") expect(score).toBeLessThanOrEqual(0);
      }),
      FC,
    );
  });

  it("BEST_SCORE's parts (the deciding example's, scaled) add up to the score; AVERAGE_VECTOR's add up to the cosine to the average query", () => {
    fc.assert(
      fc.property(fc.array(workArb, { minLength: 1, maxLength: 3 }), fc.array(workArb, { maxLength: 3 }), workArb, weightsArb, (liked, disliked, candidate, stored) => {
        const vs = (ws: typeof liked) => ws.map((w) => blend(w.image, w.meta, stored, layout));
        const [pos, neg, [v]] = [vs(liked), vs(disliked), vs([candidate])];
        const parts = bestScoreParts(pos, neg, (e) => weightedCosineParts(e, v, stored, layout));
        expectAddsUp(parts);
        inRange(parts.total);
        // agrees with the rule on the index's cosines
        expect(parts.total).toBeCloseTo(bestScore(pos.map((e) => cosine(e, v)), neg.map((e) => cosine(e, v))).score, 5);
        const q = averageQuery(pos, neg);
        const avg = cosineParts(q, v, layout);
        expectAddsUp(avg);
        inRange(avg.total);
        expect(avg.total).toBeCloseTo(cosine(q, v), 6);
      }),
      FC,
    );
  });
});

// the group names the breakdown exposes are the layout's
it("splits into the image and every metadata group", () => {
  const p = cosineParts(new Float32Array(layout.dimension).fill(1), new Float32Array(layout.dimension).fill(1), layout);
  expect(Object.keys(p.groups).sort()).toEqual([...METADATA_GROUP_NAMES].sort() as MetadataGroupName[]);
  expect(p.total).toBeCloseTo(1, 9);
});
