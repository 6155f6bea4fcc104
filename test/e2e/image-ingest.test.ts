/**
 * Images at ingest, end to end with the real ONNX runtime on the tiny ViTMAE: rows whose images sit on
 * local hosts (allow-listed), in a local folder (--images) or behind a IIIF service are imported; the
 * image worker fetches, checks and stores them and the embedding worker gives them image parts. Bad
 * images and hosts end FAILED with a problem and keep their metadata vector; a 429 is retried after
 * its Retry-After; equal images share one blob; a re-import fetches nothing.
 */
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FsImageFolder } from "../../src/adapters/fs/fs-image-folder.ts";
import { STORE_KINDS } from "../support/databases.ts";
import { pngDeclaring, startImageHost, type ImageHost } from "../support/image-host.ts";
import { photoLikeRgb, toJpeg, toPng } from "../support/images.ts";
import { startTestApp, type TestApp } from "../support/test-app.ts";

const TINY_MODEL = path.resolve("models/vit-mae-tiny.onnx");
const WORKS = `{ artworks(first: 100) { edges { node { id sourceId image { status problem sha256 width height sourceUrl palette { hex weight } } } } } }`;
const SIMILAR = `query($id: ID!) { similarArtworks(id: $id, first: 50) { edges { breakdown { image metadata } node { sourceId } } } }`;

interface Work {
  id: string;
  sourceId: string;
  image: { status: string; problem: string | null; sha256: string | null; width: number | null; height: number | null; sourceUrl: string | null; palette: { hex: string }[] };
}

const row = (sourceId: string, extra: object = {}) =>
  JSON.stringify({ sourceId, source: "ingest", title: `Work ${sourceId}`, mediumCategory: "painting", yearStart: 1880, artists: [{ name: "Anna Example" }], ...extra });

describe.each(STORE_KINDS)("images at ingest (%s store)", (kind) => {
  let t: TestApp;
  let host: ImageHost;
  let slow: ImageHost;
  let folder: string;
  let rows: string[];
  const png = async (seed: number, width = 160) => toPng(photoLikeRgb(width, 120, seed, 12));

  async function works(): Promise<Map<string, Work>> {
    const r = await t.gql(WORKS);
    expect(r.errors).toBeUndefined();
    return new Map(r.data.artworks.edges.map((e: { node: Work }) => [e.node.sourceId, e.node]));
  }
  async function drainAll() {
    const totals = await t.app.core.createImageWorker().drain();
    await t.drain();
    return totals;
  }

  beforeAll(async () => {
    const shared = await png(7);
    const good = await Promise.all([1, 2, 3].map((s) => png(s)));
    host = await startImageHost({
      "/img/1.png": { body: good[0], headers: { "content-type": "image/png" } },
      "/img/2.png": { body: good[1] },
      "/img/3.png": { body: good[2] },
      "/dup-a.png": { body: shared },
      "/dup-b.png": { body: shared },
      "/gone.png": { status: 410 },
      "/missing.png": { status: 404 },
      "/page.png": { body: "<html><body>Not an image</body></html>", headers: { "content-type": "text/html" } },
      "/drawing.svg": { body: '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>' },
      "/bomb.png": { body: pngDeclaring(await png(9, 32), 40_000, 40_000) },
      "/busy.png": { byRequest: (n) => (n === 0 ? { status: 429, headers: { "retry-after": "1" } } : { body: good[2] }) },
      "/iiif/work-9/info.json": { body: JSON.stringify({ "@context": "http://iiif.io/api/image/2/context.json", "@id": "x", width: 2000, height: 1500, profile: ["http://iiif.io/api/image/2/level2.json"] }) },
      "/iiif/work-9/full/!448,448/0/default.jpg": { body: await toJpeg(photoLikeRgb(448, 336, 11, 12)) },
    });
    slow = await startImageHost({ "/slow.png": { body: good[0], delayMs: 10_000 } });
    folder = await mkdtemp(path.join(os.tmpdir(), "vitrine-images-"));
    await mkdir(path.join(folder, "scans"));
    await writeFile(path.join(folder, "local_1.png"), await png(21));
    await writeFile(path.join(folder, "scans", "named.jpg"), await toJpeg(photoLikeRgb(200, 150, 22, 12)));
    rows = [
      row("url-1", { imageUrl: `${host.url}/img/1.png` }),
      row("url-2", { imageUrls: [`${host.url}/gone.png`, `${host.url}/img/2.png`] }),
      row("dup-a", { imageUrl: `${host.url}/dup-a.png` }),
      row("dup-b", { imageUrl: `${host.url}/dup-b.png` }),
      row("missing", { imageUrl: `${host.url}/missing.png` }),
      row("page", { imageUrl: `${host.url}/page.png` }),
      row("svg", { imageUrl: `${host.url}/drawing.svg` }),
      row("bomb", { imageUrl: `${host.url}/bomb.png` }),
      row("slow", { imageUrl: `${slow.url}/slow.png` }),
      row("busy", { imageUrl: `${host.url}/busy.png` }),
      row("iiif", { iiifService: `${host.url}/iiif/work-9` }),
      row("local/1"),
      row("named", { imagePath: "scans/named.jpg" }),
      row("no-file", { imagePath: "scans/absent.png" }),
      row("none"),
    ];
    t = await startTestApp(kind, {
      demo: false,
      env: {
        VITRINE_MODEL_PATH: TINY_MODEL,
        VITRINE_IMAGE_FETCH_ALLOW: "127.0.0.1",
        VITRINE_IMAGE_FETCH_TIMEOUT_MS: "3000",
        VITRINE_IMAGE_FETCH_ATTEMPTS: "2",
        VITRINE_IMAGE_FETCH_BACKOFF_MS: "50",
      },
    });
  }, 120_000);
  afterAll(async () => {
    await t?.stop();
    await host?.close();
    await slow?.close();
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  it("should queue the named images at import without fetching them", async () => {
    const summary = await t.app.services.importer.importLines(rows, { images: new FsImageFolder(folder) });
    expect(summary).toMatchObject({ created: rows.length, rejected: [] });
    expect(host.requests).toEqual([]);
    const all = await works();
    expect(all.get("url-1")!.image).toMatchObject({ status: "PENDING", problem: null, sha256: null, palette: [] });
    expect(all.get("none")!.image).toMatchObject({ status: "NONE", problem: null });
    const health = await (await fetch(`${t.url}/health`)).json();
    expect(health.images.works).toEqual({ NONE: 1, PENDING: rows.length - 1, READY: 0, FAILED: 0 });
  });

  it("should fetch, store and embed every readable image, and say why the others failed", async () => {
    const totals = await drainAll();
    expect(totals.READY + totals.FAILED).toBe(rows.length - 1);
    const all = await works();
    for (const id of ["url-1", "url-2", "dup-a", "dup-b", "busy", "iiif", "local/1", "named"]) {
      const image = all.get(id)!.image;
      expect(image, id).toMatchObject({ status: "READY", problem: null });
      expect(image.sha256, id).toMatch(/^[0-9a-f]{64}$/);
      expect(image.palette.length, id).toBeGreaterThan(0);
    }
    expect(all.get("url-2")!.image.sourceUrl).toBe(`${host.url}/img/2.png`); // the first of imageUrls that works
    const problem = (id: string) => {
      expect(all.get(id)!.image.status, id).toBe("FAILED");
      return all.get(id)!.image.problem;
    };
    expect(problem("missing")).toMatch(/HTTP 404/);
    expect(problem("page")).toMatch(/not an image/i);
    expect(problem("svg")).toMatch(/SVG images are not accepted/);
    expect(problem("bomb")).toMatch(/40000×40000 pixels/);
    expect(problem("slow")).toMatch(/did not answer within 3 s.*gave up after 2 attempts/);
    expect(problem("no-file")).toMatch(/scans\/absent\.png.*is not in/);
    expect(all.get("none")!.image.status).toBe("NONE");
    expect(slow.requests.length).toBe(2); // a transient failure is retried up to the limit
    const health = await (await fetch(`${t.url}/health`)).json();
    expect(health.images.works).toEqual({ NONE: 1, PENDING: 0, READY: 8, FAILED: 6 });
    expect(await t.app.core.queue.counts()).toMatchObject({ PENDING: 0, RUNNING: 0, FAILED: 0 });
  });

  it("should give READY works an image part, and keep failed works in the index with metadata only", async () => {
    const all = await works();
    const r = await t.gql(SIMILAR, { id: all.get("url-1")!.id });
    expect(r.errors).toBeUndefined();
    const edges: { breakdown: { image: number; metadata: number }; node: { sourceId: string } }[] = r.data.similarArtworks.edges;
    const ready = edges.filter((e) => all.get(e.node.sourceId)!.image.status === "READY");
    const failed = edges.filter((e) => all.get(e.node.sourceId)!.image.status === "FAILED");
    expect(ready.length).toBe(7);
    for (const e of ready) expect(Math.abs(e.breakdown.image), e.node.sourceId).toBeGreaterThan(0);
    expect(failed.length).toBe(6); // every failed work still has its (metadata) vector
    for (const e of failed) {
      expect(e.breakdown.image, e.node.sourceId).toBe(0);
      expect(e.breakdown.metadata, e.node.sourceId).toBeGreaterThan(0);
    }
  });

  it("should retry a host answering 429 after its Retry-After", () => {
    const busy = host.requests.filter((q) => q.path === "/busy.png");
    expect(busy.length).toBe(2);
    expect(busy[1].at - busy[0].at).toBeGreaterThanOrEqual(990);
  });

  it("should ask a IIIF service for a 448-pixel rendition, not the full-size image", async () => {
    const paths = host.requests.map((q) => q.path).filter((p) => p.startsWith("/iiif/"));
    // only the service description and the 448-pixel rendition are asked for (a loaded machine may repeat one after a timeout)
    expect(new Set(paths)).toEqual(new Set(["/iiif/work-9/info.json", "/iiif/work-9/full/!448,448/0/default.jpg"]));
    const image = (await works()).get("iiif")!.image;
    expect(image).toMatchObject({ width: 448, height: 336, sourceUrl: `${host.url}/iiif/work-9` });
  });

  it("should store two works with the same image as one blob", async () => {
    const all = await works();
    expect(all.get("dup-a")!.image.sha256).toBe(all.get("dup-b")!.image.sha256);
    const stored = await t.app.db.prisma.image.findMany({ where: { sha256: all.get("dup-a")!.image.sha256! }, select: { storageKey: true } });
    expect(stored.length).toBe(2);
    expect(new Set(stored.map((s) => s.storageKey)).size).toBe(1);
    const sha = all.get("dup-a")!.image.sha256!;
    const files = await readdir(path.join(t.app.config.dataDir, "images", sha.slice(0, 2), sha.slice(2, 4)));
    expect(files).toEqual([sha]);
  });

  it("should fetch nothing when the same rows are imported again, and fetch again when a URL changes", async () => {
    const before = host.requests.length + slow.requests.length;
    const again = await t.app.services.importer.importLines(rows, { images: new FsImageFolder(folder) });
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: rows.length, rejected: [] });
    const totals = await drainAll();
    expect(totals).toEqual({ READY: 0, FAILED: 0, RETRY: 0, STALE: 0 });
    expect(host.requests.length + slow.requests.length).toBe(before);
    expect((await works()).get("missing")!.image.status).toBe("FAILED");

    // a metadata re-import without --images keeps the images that came from local files
    await t.app.services.importer.importLines(rows);
    expect((await drainAll()).READY).toBe(0);
    const kept = await works();
    expect(kept.get("local/1")!.image.status).toBe("READY");
    expect(kept.get("named")!.image.status).toBe("READY");
    expect(host.requests.length + slow.requests.length).toBe(before);

    await t.app.services.importer.importLines([row("missing", { imageUrl: `${host.url}/img/3.png` })]);
    expect((await works()).get("missing")!.image).toMatchObject({ status: "PENDING", problem: null });
    expect(await drainAll()).toMatchObject({ READY: 1, FAILED: 0 });
    expect((await works()).get("missing")!.image).toMatchObject({ status: "READY", sourceUrl: `${host.url}/img/3.png` });
  });

  it("should fetch failed images again when asked (vitrine images retry), after the host has recovered", async () => {
    slow.routes.set("/slow.png", { body: await png(31) });
    expect(await t.app.core.store.requeueFailedImages()).toBe(5);
    expect((await works()).get("slow")!.image).toMatchObject({ status: "PENDING", problem: null });
    expect(await drainAll()).toMatchObject({ READY: 1, FAILED: 4 });
    const all = await works();
    expect(all.get("slow")!.image.status).toBe("READY");
    expect(all.get("bomb")!.image.status).toBe("FAILED");
  });
});
