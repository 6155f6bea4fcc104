/**
 * Scores over HTTP on the demo catalogue, checked against a brute-force computation from the works'
 * stored vectors: the weighted cosine of the two works re-blended with the request's weights, and
 * Qdrant's BEST_SCORE rule over those. The demo works have no image in tests (no model) and many lack
 * a group, the case where query-time weights used to score above 1.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toGlobalId } from "../../src/graphql/relay.ts";
import { normaliseWeights, partWeights, type SimilarityWeightsInput } from "../../src/encoding/similarity-weights.ts";
import { startTestApp, type TestApp } from "../support/test-app.ts";

const SIMILAR = `query($id: ID!, $weights: SimilarityWeights) { similarArtworks(id: $id, first: 10, weights: $weights) {
  edges { score breakdown { score image metadata groups { artist medium time provenance size palette } } node { internalID } } } }`;
const RECOMMEND = `query($p: [ID!]!, $n: [ID!], $s: RecommendationStrategy) { recommendations(positive: $p, negative: $n, strategy: $s, first: 10) {
  edges { score breakdown { score image metadata groups { artist medium time provenance size palette } } node { internalID } } } }`;

interface Edge {
  score: number;
  breakdown: { score: number; image: number; metadata: number; groups: Record<string, number> };
  node: { internalID: string };
}

describe("scores on the demo catalogue (embedded store)", () => {
  let t: TestApp;
  let ids: string[];
  beforeAll(async () => {
    t = await startTestApp("embedded");
    await t.drain();
    ids = (await t.app.db.prisma.artwork.findMany({ select: { id: true }, orderBy: { id: "asc" }, take: 400 })).map((r) => r.id);
  }, 120_000);
  afterAll(() => t?.stop());

  async function vectors(of: readonly string[]): Promise<Map<string, Float32Array>> {
    const points = await t.app.core.index.get(t.app.core.indexService.live().collection, of);
    return new Map(points.map((p) => [p.id, p.vector]));
  }

  /** Brute force, written out: Σ_{both} W'_p·cos_p / √(Σ_{a has} W'_p · Σ_{b has} W'_p). */
  function expected(a: Float32Array, b: Float32Array, input: SimilarityWeightsInput | null): number {
    const view = t.app.core.indexService.live();
    const w = partWeights(input ? normaliseWeights(input) : view.weights);
    let num = 0;
    let sa = 0;
    let sb = 0;
    for (const p of view.layout.parts) {
      let dot = 0;
      let na = 0;
      let nb = 0;
      for (let i = p.offset; i < p.offset + p.length; i++) {
        dot += a[i] * b[i];
        na += a[i] * a[i];
        nb += b[i] * b[i];
      }
      if (!(w[p.name] > 0)) continue;
      if (na > 0) sa += w[p.name];
      if (nb > 0) sb += w[p.name];
      if (na > 0 && nb > 0) num += (w[p.name] * dot) / Math.sqrt(na * nb);
    }
    return sa > 0 && sb > 0 ? num / Math.sqrt(sa * sb) : 0;
  }

  function expectSound(edges: Edge[]): void {
    expect(edges.length).toBeGreaterThan(0);
    for (const e of edges) {
      expect(e.score).toBeGreaterThanOrEqual(-1 - 1e-6);
      expect(e.score).toBeLessThanOrEqual(1 + 1e-6);
      expect(e.breakdown.score).toBeCloseTo(e.score, 6);
      expect(Math.abs(e.breakdown.image + e.breakdown.metadata - e.score)).toBeLessThan(1e-5);
      expect(Math.abs(Object.values(e.breakdown.groups).reduce((x, y) => x + y, 0) - e.breakdown.metadata)).toBeLessThan(1e-5);
    }
    for (let i = 1; i < edges.length; i++) expect(edges[i].score).toBeLessThanOrEqual(edges[i - 1].score + 1e-9);
  }

  const WEIGHTS: (SimilarityWeightsInput & Record<string, unknown>)[] = [
    { image: 0 },
    { image: 0, metadata: 1 },
    { image: 0.2, metadata: 1, artist: 1, medium: 0, time: 0, provenance: 0, size: 0, palette: 0 },
    { time: 3, provenance: 1 },
  ];

  it("should score similar works with and without weights as the brute-force weighted cosine of the stored vectors, never above 1", async () => {
    let maxSeen = -Infinity;
    for (const id of ids.slice(0, 12)) {
      for (const input of [null, ...WEIGHTS]) {
        // the API takes group weights flat; the encoder's input nests them
        const flat = input as Record<string, number> | null;
        const nested: SimilarityWeightsInput | null = flat
          ? { image: flat.image, metadata: flat.metadata, groups: { artist: flat.artist, medium: flat.medium, time: flat.time, provenance: flat.provenance, size: flat.size, palette: flat.palette } }
          : null;
        const r = await t.gql(SIMILAR, { id: toGlobalId("Artwork", id), weights: flat });
        expect(r.errors).toBeUndefined();
        const edges: Edge[] = r.data.similarArtworks.edges;
        expectSound(edges);
        const vs = await vectors([id, ...edges.map((e) => e.node.internalID)]);
        for (const e of edges) {
          expect(e.score, `${id} → ${e.node.internalID} under ${JSON.stringify(flat)}`).toBeCloseTo(expected(vs.get(id)!, vs.get(e.node.internalID)!, nested), 3); // f16 rows: ≤ 6e-5 apart
          maxSeen = Math.max(maxSeen, e.score);
        }
      }
    }
    expect(maxSeen).toBeLessThanOrEqual(1 + 1e-6);
  });

  it("should score recommendations by Qdrant's rules over the stored vectors: BEST_SCORE's best liked cosine or −(best disliked)², AVERAGE_VECTOR's cosine to the average query", async () => {
    const positive = ids.slice(20, 23);
    const negative = ids.slice(23, 26);
    const vs = await vectors([...positive, ...negative]);
    const cos = (a: Float32Array, b: Float32Array) => {
      let d = 0;
      let na = 0;
      let nb = 0;
      for (let i = 0; i < a.length; i++) {
        d += a[i] * b[i];
        na += a[i] * a[i];
        nb += b[i] * b[i];
      }
      return na > 0 && nb > 0 ? d / Math.sqrt(na * nb) : 0;
    };
    for (const strategy of ["BEST_SCORE", "AVERAGE_VECTOR"]) {
      const r = await t.gql(RECOMMEND, { p: positive.map((i) => toGlobalId("Artwork", i)), n: negative.map((i) => toGlobalId("Artwork", i)), s: strategy });
      expect(r.errors).toBeUndefined();
      const edges: Edge[] = r.data.recommendations.edges;
      expectSound(edges);
      const hits = await vectors(edges.map((e) => e.node.internalID));
      for (const e of edges) {
        const v = hits.get(e.node.internalID)!;
        let want: number;
        if (strategy === "BEST_SCORE") {
          const pos = Math.max(...positive.map((i) => cos(vs.get(i)!, v)));
          const neg = Math.max(...negative.map((i) => cos(vs.get(i)!, v)));
          want = pos > neg ? pos : -(neg * neg);
        } else {
          const q = new Float64Array(v.length);
          for (const i of positive) vs.get(i)!.forEach((x, j) => (q[j] += (2 * x) / positive.length));
          for (const i of negative) vs.get(i)!.forEach((x, j) => (q[j] -= x / negative.length));
          want = cos(Float32Array.from(q), v);
        }
        // to the precision of the index's f16 vectors (VITRINE_INDEX_VECTORS: ~1e-5)
        expect(Math.abs(e.score - want), `${strategy} ${e.node.internalID}: ${e.score} against ${want}`).toBeLessThan(2e-4);
      }
    }
  });
});
