/**
 * duplicateCandidates over HTTP with the real tiny ViTMAE: planted duplicates are found (one image
 * under two attributions, the same image re-encoded under another title, one work imported under two
 * source ids), distinct works are not, pages follow one another, and only admin keys may ask.
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { photoLikeRgb, toJpeg, toPng } from "../support/images.ts";
import { STORE_KINDS } from "../support/databases.ts";
import { startTestApp, type GraphQLResponse, type TestApp } from "../support/test-app.ts";

const TINY_MODEL = path.resolve("models/vit-mae-tiny.onnx");
const ATTACH = `mutation($id: ID!, $image: ImageInput!) { attachArtworkImage(input: { id: $id, image: $image }) { artwork { id } } }`;
const DUPLICATES = `query($kind: DuplicateKind!, $threshold: Float, $first: Int, $after: String) {
  duplicateCandidates(kind: $kind, threshold: $threshold, first: $first, after: $after) {
    edges { cursor node { score match differingFields first { sourceId title } second { sourceId title } } }
    pageInfo { hasNextPage endCursor }
  }
}`;

interface Pair {
  score: number;
  match: string;
  differingFields: string[];
  first: { sourceId: string; title: string };
  second: { sourceId: string; title: string };
}

const line = (sourceId: string, title: string, artist: string, year: number, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ source: "test", sourceId, title, yearStart: year, yearEnd: year, dateText: String(year), medium: "oil on canvas", mediumCategory: "painting", artists: [{ name: artist }], ...extra });

/** The two source ids of a pair, sorted, e.g. "a1+a2". */
const key = (p: Pair) => [p.first.sourceId, p.second.sourceId].sort().join("+");

describe.each(STORE_KINDS)("duplicate candidates (tiny ViTMAE, %s store)", (kind) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp(kind, { demo: false, env: { VITRINE_MODEL_PATH: TINY_MODEL } });
    const summary = await t.app.services.importer.importLines(
      [
        line("a1", "Harbour at Dusk", "Anna Example", 1890),
        line("a2", "Harbour at Evening", "Bruno Sample", 1890), // the same image, another title and artist
        line("b1", "Portrait of a Lady", "Carla Model", 1720),
        line("b2", "Portrait of a Lady", "Carla Model", 1720, { accessionNumber: "X.2" }), // the same work again, another source id
        line("c1", "Still Life with Lemons", "Dora Figure", 1650, { medium: "tempera on panel", department: "Old Masters" }),
        line("d1", "Mountain Road", "Emil Instance", 1930, { medium: "gelatin silver print", mediumCategory: "photograph", department: "Photography" }),
        line("e1", "Harbour at Dusk", "Anna Example", 1890), // a1's record under another id
        line("a3", "Quay, Sunset", "Fritz Other", 1905), // the same picture re-encoded as JPEG (other bytes)
      ],
      { defaultSource: "test" },
    );
    expect(summary.rejected).toEqual([]);
    const ids = new Map((await t.app.db.prisma.artwork.findMany({ select: { id: true, sourceId: true } })).map((r) => [r.sourceId, r.id]));
    const harbour = await toPng(photoLikeRgb(160, 120, 7, 12));
    const images: [string, Uint8Array][] = [
      ["a1", harbour],
      ["a2", harbour],
      ["a3", await toJpeg(photoLikeRgb(160, 120, 7, 12), 85)],
      ["b1", await toPng(photoLikeRgb(120, 160, 2, 30))],
      ["c1", await toPng(photoLikeRgb(140, 140, 3, 40))],
      ["d1", await toJpeg(photoLikeRgb(200, 100, 4, 20))],
    ];
    for (const [sourceId, bytes] of images) {
      const r = await t.admin(ATTACH, { id: ids.get(sourceId), image: { base64: Buffer.from(bytes).toString("base64") } });
      expect(r.errors).toBeUndefined();
    }
    await t.drain();
  }, 120_000);
  afterAll(() => t?.stop());

  /** Every pair, following the pages (`first` pairs each). */
  async function allPairs(duplicates: "IMAGE" | "RECORD", threshold?: number, first = 1): Promise<Pair[]> {
    const pairs: Pair[] = [];
    let after: string | null = null;
    for (let page = 0; page < 20; page++) {
      const r: GraphQLResponse = await t.admin(DUPLICATES, { kind: duplicates, threshold, first, after });
      expect(r.errors).toBeUndefined();
      pairs.push(...r.data.duplicateCandidates.edges.map((e: { node: Pair }) => e.node));
      if (!r.data.duplicateCandidates.pageInfo.hasNextPage) return pairs;
      after = r.data.duplicateCandidates.pageInfo.endCursor;
    }
    throw new Error("duplicateCandidates never reached its last page");
  }

  it("should find the same image under another title and artist, and a re-encoded copy, and no distinct works", async () => {
    const pairs = await allPairs("IMAGE");
    const harbour = pairs.find((p) => key(p) === "a1+a2");
    expect(harbour).toMatchObject({ match: "IDENTICAL_IMAGE", score: 1 });
    expect(harbour?.differingFields).toEqual(expect.arrayContaining(["title", "artists"]));
    expect(harbour?.differingFields).not.toContain("image");
    const quay = pairs.find((p) => key(p) === "a1+a3");
    expect(quay).toMatchObject({ match: "SIMILAR_IMAGE" });
    expect(quay?.score).toBeGreaterThanOrEqual(0.98);
    expect(quay?.score).toBeLessThan(1);
    expect(quay?.differingFields).toEqual(expect.arrayContaining(["title", "image"]));
    // distinct pictures (b1, c1, d1) pair with nothing; e1 and b2 have no image
    expect(pairs.map(key).sort()).toEqual(["a1+a2", "a1+a3", "a2+a3"]);
    expect(new Set(pairs.map(key)).size).toBe(pairs.length);
  });

  it("should find a work imported under two source ids, and no distinct works", async () => {
    const pairs = await allPairs("RECORD");
    const keys = pairs.map(key);
    expect(keys).toEqual(expect.arrayContaining(["b1+b2", "a1+e1"]));
    const portrait = pairs.find((p) => key(p) === "b1+b2");
    expect(portrait?.match).toBe("SAME_DESCRIPTION");
    expect(portrait?.differingFields).toEqual(expect.arrayContaining(["accessionNumber", "image"]));
    expect(portrait?.differingFields).not.toContain("title");
    for (const k of keys) expect(["b1+b2", "a1+e1"]).toContain(k);
  });

  it("should find more pairs, never fewer, at a lower threshold", async () => {
    const strict = (await allPairs("RECORD", 1)).map(key);
    const loose = (await allPairs("RECORD", 0, 10)).map(key);
    expect(strict).toEqual(expect.arrayContaining(["b1+b2", "a1+e1"]));
    expect(loose).toEqual(expect.arrayContaining(strict));
    expect(loose.length).toBeGreaterThan(strict.length);
  });

  it("should refuse readers and anonymous callers, and bad arguments", async () => {
    const reader = (await t.app.services.apiKeys.create("reader", "READER")).secret;
    const asReader = await t.gql(DUPLICATES, { kind: "IMAGE" }, { authorization: `Bearer ${reader}` });
    expect(asReader.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect(asReader.data?.duplicateCandidates ?? null).toBeNull();
    const anonymous = await t.gql(DUPLICATES, { kind: "IMAGE" });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    const tooMany = await t.admin(DUPLICATES, { kind: "IMAGE", first: 101 });
    expect(tooMany.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    const badThreshold = await t.admin(DUPLICATES, { kind: "RECORD", threshold: 1.5 });
    expect(badThreshold.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    const badCursor = await t.admin(DUPLICATES, { kind: "RECORD", after: "nonsense" });
    expect(badCursor.errors?.[0]).toMatchObject({ extensions: { code: "BAD_USER_INPUT", field: "after" } });
  });
});
