/**
 * Images end to end with the real ONNX runtime on the generated tiny ViTMAE: attach images to works
 * (base64 and URL), embed them, search by image, and refuse private URLs unless allow-listed.
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFileServer, type FileServer } from "../support/http-file-server.ts";
import { photoLikeRgb, solidRgb, toJpeg, toPng, type RawImage } from "../support/images.ts";
import { startTestApp, type TestApp } from "../support/test-app.ts";

const TINY_MODEL = path.resolve("models/vit-mae-tiny.onnx");
const CREATE = `mutation($a: ArtworkInput!) { createArtwork(input: { artwork: $a }) { artwork { id } } }`;
const ATTACH = `mutation($id: ID!, $image: ImageInput!) { attachArtworkImage(input: { id: $id, image: $image }) { artwork { id image { width height mime sha256 } palette { hex weight } } } }`;
const SEARCH = `query($image: ImageInput!, $first: Int, $filter: ArtworkFilter) { searchByImage(image: $image, first: $first, filter: $filter) { embeddingVersion edges { score breakdown { score image metadata } node { id title } } } }`;

/** The pixels of work i's image (as made in beforeAll). */
function studyPixels(i: number): RawImage {
  return photoLikeRgb(160 + i * 8, 120, i + 1, 10 + i * 4);
}

/** Copies `tile` into `canvas` with its top-left corner at (left, top). */
function paste(canvas: RawImage, tile: RawImage, left: number, top: number): void {
  for (let y = 0; y < tile.height; y++) {
    canvas.data.set(tile.data.subarray(y * tile.width * 3, (y + 1) * tile.width * 3), ((top + y) * canvas.width + left) * 3);
  }
}

describe("search by image (tiny ViTMAE, embedded store)", () => {
  let t: TestApp;
  let files: FileServer;
  const works: { id: string; png: Uint8Array }[] = [];

  beforeAll(async () => {
    t = await startTestApp("embedded", { demo: false, env: { VITRINE_MODEL_PATH: TINY_MODEL, VITRINE_IMAGE_FETCH_ALLOW: "127.0.0.1" } });
    for (let i = 0; i < 12; i++) {
      const created = await t.admin(CREATE, { a: { title: `Study ${i}`, yearStart: 1900 + i, mediumCategory: i % 2 ? "PAINTING" : "PHOTOGRAPH" } });
      expect(created.errors).toBeUndefined();
      const png = await toPng(studyPixels(i));
      works.push({ id: created.data.createArtwork.artwork.id, png });
    }
    files = await startFileServer({ body: works[3].png });
  }, 120_000);
  afterAll(async () => {
    await files?.close();
    await t?.stop();
  });

  it("should report the model in /health and attach images with their palette", async () => {
    const health = await (await fetch(`${t.url}/health`)).json();
    expect(health.model).toMatchObject({ status: "ok" });
    for (const [i, w] of works.entries()) {
      const r = await t.admin(ATTACH, { id: w.id, image: i === 3 ? { url: `${files.url}/study-3.png` } : { base64: Buffer.from(w.png).toString("base64") } });
      expect(r.errors).toBeUndefined();
      expect(r.data.attachArtworkImage.artwork.image).toMatchObject({ mime: "image/png", height: 120 });
      expect(r.data.attachArtworkImage.artwork.palette.length).toBeGreaterThan(0);
    }
    await t.drain();
    const status = await t.app.core.queue.counts();
    expect(status).toMatchObject({ PENDING: 0, RUNNING: 0, FAILED: 0 });
  });

  it("should find the work whose image was searched with, first, with a high image part", async () => {
    for (const i of [0, 5, 11]) {
      const r = await t.gql(SEARCH, { image: { base64: Buffer.from(works[i].png).toString("base64") }, first: 5 });
      expect(r.errors).toBeUndefined();
      const edges = r.data.searchByImage.edges;
      expect(edges[0].node.id).toBe(works[i].id);
      expect(edges[0].breakdown.image).toBeGreaterThan(0.45);
      for (const e of edges) expect(Math.abs(e.breakdown.image + e.breakdown.metadata - e.score)).toBeLessThan(1e-5);
    }
  });

  it("should give the same results for the same image as JPEG re-encoded at high quality (robust to encoding)", async () => {
    const jpeg = await toJpeg(photoLikeRgb(160 + 5 * 8, 120, 6, 30), 95);
    const r = await t.gql(SEARCH, { image: { base64: Buffer.from(jpeg).toString("base64") }, first: 3 });
    expect(r.errors).toBeUndefined();
    expect(r.data.searchByImage.edges[0].node.id).toBe(works[5].id);
  });

  it("should honour filters in image search", async () => {
    const r = await t.gql(SEARCH, { image: { base64: Buffer.from(works[0].png).toString("base64") }, first: 10, filter: { mediumCategories: ["PAINTING"] } });
    expect(r.errors).toBeUndefined();
    expect(r.data.searchByImage.edges).toHaveLength(6);
    expect(r.data.searchByImage.edges.map((e: { node: { id: string } }) => e.node.id)).not.toContain(works[0].id);
  });

  it("should fetch allow-listed URLs and refuse private ones by default, bad images and wrong types with codes", async () => {
    const viaUrl = await t.gql(SEARCH, { image: { url: `${files.url}/study-3.png` }, first: 1 });
    expect(viaUrl.errors).toBeUndefined();
    expect(viaUrl.data.searchByImage.edges[0].node.id).toBe(works[3].id);

    const strict = await startTestApp("embedded", { demo: false, env: { VITRINE_MODEL_PATH: TINY_MODEL } });
    try {
      const refused = await strict.gql(SEARCH, { image: { url: `${files.url}/study-3.png` } });
      expect(refused.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "image.url" });
      const metadata = await strict.gql(SEARCH, { image: { url: "http://169.254.169.254/latest/meta-data/" } });
      expect(metadata.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "image.url" });
    } finally {
      await strict.stop();
    }

    const truncated = Buffer.from(works[1].png).subarray(0, 200).toString("base64");
    const bad = await t.gql(SEARCH, { image: { base64: truncated } });
    expect(bad.errors?.[0].extensions?.code).toBe("BAD_USER_INPUT");
    expect(bad.errors?.[0].extensions?.field).toBe("image.base64");
    const svg = Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>`).toString("base64");
    const unsupported = await t.gql(SEARCH, { image: { base64: svg } });
    expect(unsupported.errors?.[0].extensions?.code).toMatch(/UNSUPPORTED_MEDIA_TYPE|BAD_USER_INPUT/);
    const solid = await toPng(solidRgb(32, 32, [200, 10, 10]));
    const ok = await t.gql(SEARCH, { image: { base64: Buffer.from(solid).toString("base64") }, first: 2 });
    expect(ok.errors).toBeUndefined();
    expect(ok.data.searchByImage.edges).toHaveLength(2);
  });

  describe("by a detail (region)", () => {
    let composite: string;

    beforeAll(async () => {
      // a 400×240 picture of something else, with study 2 (176×120) at its top left and study 7
      // (216×120) at its bottom right
      const canvas = photoLikeRgb(400, 240, 99, 20);
      paste(canvas, studyPixels(2), 0, 0);
      paste(canvas, studyPixels(7), 184, 120);
      composite = Buffer.from(await toPng(canvas)).toString("base64");
    });

    it("should find the work whose image is the detail first, the region given in pixels or IIIF percentages", async () => {
      const byPixels = await t.gql(SEARCH, { image: { base64: composite, region: { x: 184, y: 120, width: 216, height: 120 } }, first: 3 });
      expect(byPixels.errors).toBeUndefined();
      expect(byPixels.data.searchByImage.edges[0].node.id).toBe(works[7].id);
      expect(byPixels.data.searchByImage.edges[0].breakdown.image).toBeGreaterThan(0.45);

      const byPercent = await t.gql(SEARCH, { image: { base64: composite, region: { x: 0, y: 0, width: 44, height: 50, unit: "PERCENT" } }, first: 3 });
      expect(byPercent.errors).toBeUndefined();
      expect(byPercent.data.searchByImage.edges[0].node.id).toBe(works[2].id);

      // the crop is what is searched with: the same scores as the detail's own file
      const own = await t.gql(SEARCH, { image: { base64: Buffer.from(works[7].png).toString("base64") }, first: 3 });
      expect(byPixels.data.searchByImage.edges).toEqual(own.data.searchByImage.edges);
      const whole = await t.gql(SEARCH, { image: { base64: composite }, first: 3 });
      expect(whole.data.searchByImage.edges[0].score).not.toBe(byPixels.data.searchByImage.edges[0].score);
    });

    it("should refuse a region outside the image, an empty one and fractional pixels with the input's path", async () => {
      const cases = [
        [{ x: 400, y: 0, width: 10, height: 10 }, "image.region.x", /starts outside the image/],
        [{ x: 0, y: 100, width: 10, height: 10, unit: "PERCENT" }, "image.region.y", /starts outside the image/],
        [{ x: 0, y: 0, width: 0, height: 10 }, "image.region.width", /empty/],
        [{ x: 0, y: 0, width: 10, height: -1 }, "image.region.height", /empty/],
        [{ x: 0.5, y: 0, width: 10, height: 10 }, "image.region.x", /whole pixels/],
      ] as const;
      for (const [region, field, message] of cases) {
        const r = await t.gql(SEARCH, { image: { base64: composite, region } });
        expect(r.errors?.[0].extensions, JSON.stringify(region)).toMatchObject({ code: "BAD_USER_INPUT", field });
        expect(r.errors?.[0].message).toMatch(message);
      }
      const attach = await t.admin(ATTACH, { id: works[0].id, image: { base64: composite, region: { x: 0, y: 0, width: 10, height: 10 } } });
      expect(attach.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.image.region" });
    });
  });
});
