/**
 * Images a page can show: a work's stored image served at the sizes a page asks for, in the IIIF Image
 * API's URL form, with caching headers that let browsers and proxies keep it (ETag, 304, immutable).
 */
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { photoLikeRgb, toJpeg } from "../support/images.ts";
import { startTestApp, type TestApp } from "../support/test-app.ts";

const IMAGE = `query($id: ID!, $w: Int) { artwork(id: $id) { image { sha256 width height url small: url(width: $w) } } }`;

describe("IIIF images", () => {
  let t: TestApp;
  let workId = "";
  let sha = "";

  beforeAll(async () => {
    t = await startTestApp("embedded", { demo: false, env: { VITRINE_IIIF_MAX_DIMENSION: "500" } });
    const created = await t.admin(`mutation { createArtwork(input: { artwork: { title: "Study in grey" } }) { artwork { id } } }`);
    workId = created.data.createArtwork.artwork.id;
    // a 600×400 photograph-like JPEG
    const jpeg = await toJpeg(photoLikeRgb(600, 400, 3));
    const attached = await t.admin(`mutation($id: ID!, $b: String) { attachArtworkImage(input: { id: $id, image: { base64: $b } }) { artwork { image { sha256 } } } }`, { id: workId, b: Buffer.from(jpeg).toString("base64") });
    expect(attached.errors).toBeUndefined();
    sha = attached.data.attachArtworkImage.artwork.image.sha256;
  });
  afterAll(() => t?.stop());

  async function fetchImage(url: string, headers: Record<string, string> = {}) {
    const res = await fetch(url, { headers });
    const bytes = new Uint8Array(await res.arrayBuffer());
    return { res, bytes, meta: res.status === 200 && res.headers.get("content-type")?.startsWith("image/") ? await sharp(bytes).metadata() : null };
  }

  it("should give each stored image an absolute URL per width, which serves a JPEG of that width", async () => {
    const r = await t.gql(IMAGE, { id: workId, w: 200 });
    expect(r.errors).toBeUndefined();
    const image = r.data.artwork.image;
    expect(image.small).toBe(`${t.url}/iiif/${sha}/full/200,/0/default.jpg`);
    const small = await fetchImage(image.small);
    expect(small.res.status).toBe(200);
    expect(small.res.headers.get("content-type")).toBe("image/jpeg");
    expect(small.meta).toMatchObject({ format: "jpeg", width: 200, height: 133 });
    // left out, or wider than the image: the image itself, capped at the server's limit (500 here)
    const full = await fetchImage(image.url);
    expect(full.meta).toMatchObject({ width: 500, height: 333 });
    const wider = await t.gql(IMAGE, { id: workId, w: 450 });
    expect((await fetchImage(wider.data.artwork.image.small)).meta).toMatchObject({ width: 450 });
    const tooWide = await t.gql(IMAGE, { id: workId, w: 501 });
    expect(tooWide.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "width" });
  });

  it("should serve the sizes and regions a page asks for", async () => {
    const base = `${t.url}/iiif/${sha}`;
    const cases: [string, number, number, string][] = [
      ["full/,100/0/default.jpg", 150, 100, "jpeg"],
      ["full/!100,100/0/default.jpg", 100, 67, "jpeg"],
      ["square/64,/0/default.jpg", 64, 64, "jpeg"],
      ["100,50,200,100/max/0/default.png", 200, 100, "png"],
      ["pct:0,0,50,50/max/0/gray.webp", 300, 200, "webp"],
      ["full/pct:10/0/default.jpg", 60, 40, "jpeg"],
      ["0,0,100,100/^300,/0/default.jpg", 300, 300, "jpeg"],
    ];
    for (const [path, width, height, format] of cases) {
      const r = await fetchImage(`${base}/${path}`);
      expect(r.res.status, path).toBe(200);
      expect(r.meta, path).toMatchObject({ width, height, format });
    }
    // `square` is the centred square: the same pixels as the region it stands for, not another part
    const pixels = async (path: string) => sharp((await fetchImage(`${base}/${path}`)).bytes).raw().toBuffer();
    const square = await pixels("square/100,/0/default.png");
    expect(square.equals(await pixels("100,0,400,400/100,/0/default.png"))).toBe(true);
    expect(square.equals(await pixels("0,0,400,400/100,/0/default.png"))).toBe(false);
  });

  it("should send caching headers and answer If-None-Match with 304", async () => {
    const url = `${t.url}/iiif/${sha}/full/120,/0/default.jpg`;
    const first = await fetchImage(url);
    expect(first.res.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    const etag = first.res.headers.get("etag");
    expect(etag).toMatch(/^"[\w-]+"$/);
    const again = await fetchImage(url, { "if-none-match": etag as string });
    expect(again.res.status).toBe(304);
    expect(again.bytes.length).toBe(0);
    expect(again.res.headers.get("etag")).toBe(etag);
    const other = await fetchImage(`${t.url}/iiif/${sha}/full/121,/0/default.jpg`, { "if-none-match": etag as string });
    expect(other.res.status).toBe(200);
    expect(other.res.headers.get("etag")).not.toBe(etag);
    // the same rendering twice gives the same bytes (served from the cache the second time)
    expect(Buffer.from((await fetchImage(url)).bytes).equals(Buffer.from(first.bytes))).toBe(true);
  });

  it("should describe an image in info.json", async () => {
    const res = await fetch(`${t.url}/iiif/${sha}/info.json`);
    expect(res.status).toBe(200);
    const info = await res.json();
    expect(info).toMatchObject({
      "@context": "http://iiif.io/api/image/3/context.json",
      id: `${t.url}/iiif/${sha}`,
      type: "ImageService3",
      protocol: "http://iiif.io/api/image",
      profile: "level1",
      width: 600,
      height: 400,
      maxWidth: 500,
    });
    expect(res.headers.get("etag")).toBeTruthy();
    const base = await fetch(`${t.url}/iiif/${sha}`, { redirect: "manual" });
    expect(base.status).toBe(303);
    expect(base.headers.get("location")).toBe(`/iiif/${sha}/info.json`);
  });

  it("should answer bad parameters with 400 and unknown images with 404, saying what is wrong", async () => {
    const base = `${t.url}/iiif/${sha}`;
    for (const path of ["full/2000,/0/default.jpg", "full/600,/0/default.jpg", "700,0,10,10/max/0/default.jpg", "full/max/90/default.jpg", "full/max/0/default.gif", "full/abc/0/default.jpg", "full/max/0", "full/max/0/bitonal.jpg", "pct:x/max/0/default.jpg"]) {
      const res = await fetch(`${base}/${path}`);
      expect(res.status, path).toBe(400);
      const body = await res.json();
      expect(body.error.code).toBe("BAD_REQUEST");
      expect(body.error.message.length).toBeGreaterThan(10);
    }
    for (const id of ["0".repeat(64), "not-a-hash", "..%2F..%2Fetc%2Fpasswd"]) {
      const res = await fetch(`${t.url}/iiif/${id}/full/max/0/default.jpg`);
      expect(res.status, id).toBe(404);
      expect((await res.json()).error.code).toBe("NOT_FOUND");
      expect((await fetch(`${t.url}/iiif/${id}/info.json`)).status).toBe(404);
    }
    expect((await fetch(`${base}/full/max/0/default.jpg`, { method: "POST" })).status).toBe(405);
  });

  it("should serve a photograph taken sideways upright (EXIF orientation applied)", async () => {
    // stored 40×20, left half red, right half blue, with orientation 6 (turn 90° clockwise to view)
    const raw = Buffer.alloc(40 * 20 * 3);
    for (let y = 0; y < 20; y++) for (let x = 0; x < 40; x++) raw[(y * 40 + x) * 3 + (x < 20 ? 0 : 2)] = 255;
    const jpeg = await sharp(raw, { raw: { width: 40, height: 20, channels: 3 } }).withMetadata({ orientation: 6 }).jpeg({ quality: 95 }).toBuffer();
    const created = await t.admin(`mutation { createArtwork(input: { artwork: { title: "Sideways" } }) { artwork { id } } }`);
    const attached = await t.admin(`mutation($id: ID!, $b: String) { attachArtworkImage(input: { id: $id, image: { base64: $b } }) { artwork { image { sha256 width height } } } }`, { id: created.data.createArtwork.artwork.id, b: jpeg.toString("base64") });
    const { sha256 } = attached.data.attachArtworkImage.artwork.image;
    const info = await (await fetch(`${t.url}/iiif/${sha256}/info.json`)).json();
    expect(info).toMatchObject({ width: 20, height: 40 });
    const top = await sharp(Buffer.from(await (await fetch(`${t.url}/iiif/${sha256}/0,0,20,20/max/0/default.png`)).arrayBuffer())).raw().toBuffer({ resolveWithObject: true });
    expect(top.info).toMatchObject({ width: 20, height: 20 });
    // the upper half as viewed is the red half
    expect(top.data[0]).toBeGreaterThan(200);
    expect(top.data[2]).toBeLessThan(60);
  });

  it("should build image URLs on the configured public URL", async () => {
    const behind = await startTestApp("embedded", { demo: false, env: { VITRINE_PUBLIC_URL: "https://images.example.org/api/" } });
    try {
      const created = await behind.admin(`mutation { createArtwork(input: { artwork: { title: "Elsewhere" } }) { artwork { id } } }`);
      const id = created.data.createArtwork.artwork.id;
      const png = await sharp({ create: { width: 30, height: 20, channels: 3, background: "#336699" } }).png().toBuffer();
      await behind.admin(`mutation($id: ID!, $b: String) { attachArtworkImage(input: { id: $id, image: { base64: $b } }) { artwork { id } } }`, { id, b: png.toString("base64") });
      const r = await behind.gql(`query($id: ID!) { artwork(id: $id) { image { sha256 url(width: 10) } } }`, { id });
      expect(r.data.artwork.image.url).toBe(`https://images.example.org/api/iiif/${r.data.artwork.image.sha256}/full/10,/0/default.jpg`);
    } finally {
      await behind.stop();
    }
  });
});
