/**
 * The embedding map over HTTP on the demo catalogue (metadata-only vectors: no image model in these
 * apps), and the /map page in a real browser (Debian's chromium driven by playwright-core; that part
 * is skipped when chromium is not installed). The page's screenshot is kept in
 * test/e2e/__screenshots__/map.png (not committed).
 */
import { mkdir } from "node:fs/promises";
import path from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseGlobalId } from "../../src/graphql/relay.ts";
import { ThreadedProjector } from "../../src/adapters/threads/threaded-projector.ts";
import { EmbeddingMapService } from "../../src/services/embedding-map.service.ts";
import { STORE_KINDS } from "../support/databases.ts";
import { chromiumAvailable, launchChromium } from "../support/chromium.ts";
import { startTestApp, type TestApp } from "../support/test-app.ts";

const MAP = `query($method: MapMethod, $limit: Int, $colorBy: MapColorBy, $filter: ArtworkFilter) {
  embeddingMap(method: $method, limit: $limit, colorBy: $colorBy, filter: $filter) {
    embeddingVersion method colorBy totalCount
    points { artworkId x y colorKey }
    legend { key count }
  }
}`;

interface MapPoint {
  artworkId: string;
  x: number;
  y: number;
  colorKey: string;
}
interface MapData {
  embeddingVersion: string;
  method: string;
  colorBy: string;
  totalCount: number;
  points: MapPoint[];
  legend: { key: string; count: number }[];
}

/** Share of points whose `k` nearest other points on the map carry the same colour key. */
function neighbourAgreement(points: readonly MapPoint[], k: number): number {
  let same = 0;
  for (const p of points) {
    const near = points
      .filter((q) => q !== p)
      .map((q) => ({ q, d: (q.x - p.x) ** 2 + (q.y - p.y) ** 2 }))
      .sort((a, b) => a.d - b.d)
      .slice(0, k);
    same += near.filter((n) => n.q.colorKey === p.colorKey).length / k;
  }
  return same / points.length;
}

/** What the same agreement would be by chance: Σ share² over the keys. */
function chanceAgreement(points: readonly MapPoint[]): number {
  const counts = new Map<string, number>();
  for (const p of points) counts.set(p.colorKey, (counts.get(p.colorKey) ?? 0) + 1);
  return [...counts.values()].reduce((s, c) => s + (c / points.length) ** 2, 0);
}

describe.each(STORE_KINDS)("the embedding map (%s store, demo catalogue)", (kind) => {
  let t: TestApp;
  let works: number;

  beforeAll(async () => {
    t = await startTestApp(kind);
    await t.drain();
    works = await t.app.db.prisma.artwork.count();
  }, 120_000);
  afterAll(() => t?.stop());

  async function map(variables: Record<string, unknown>): Promise<MapData> {
    const r = await t.gql<{ embeddingMap: MapData }>(MAP, variables);
    expect(r.errors).toBeUndefined();
    return r.data!.embeddingMap;
  }

  it("should place every indexed work in the unit square, coloured by department, with a legend that counts them", async () => {
    const m = await map({});
    expect(m.method).toBe("PCA");
    expect(m.colorBy).toBe("DEPARTMENT");
    expect(m.totalCount).toBe(works);
    expect(m.points).toHaveLength(works);
    expect(new Set(m.points.map((p) => p.artworkId)).size).toBe(works);
    for (const p of m.points) {
      expect(p.x).toBeGreaterThanOrEqual(0);
      expect(p.x).toBeLessThanOrEqual(1);
      expect(p.y).toBeGreaterThanOrEqual(0);
      expect(p.y).toBeLessThanOrEqual(1);
    }
    expect(m.legend.reduce((s, l) => s + l.count, 0)).toBe(works);
    const departments = await t.app.db.prisma.artwork.groupBy({ by: ["department"], _count: { id: true } });
    expect(Object.fromEntries(m.legend.map((l) => [l.key, l.count]))).toEqual(Object.fromEntries(departments.map((d) => [d.department ?? "unknown", d._count.id])));
  });

  it("should put works of one medium category near each other more often than chance, with PCA and UMAP", async () => {
    for (const method of ["PCA", "UMAP"]) {
      const m = await map({ method, limit: 400, colorBy: "MEDIUM_CATEGORY" });
      expect(m.points).toHaveLength(400);
      const agreement = neighbourAgreement(m.points, 5);
      expect(agreement, method).toBeGreaterThan(chanceAgreement(m.points) + 0.15);
    }
  }, 120_000);

  it("should give the same map for the same call, also when computed afresh (seeded)", async () => {
    const a = await map({ method: "UMAP", limit: 200 });
    expect(await map({ method: "UMAP", limit: 200 })).toEqual(a);
    const fresh = new EmbeddingMapService(t.app.core.index, t.app.core.indexService, t.app.core.store, new ThreadedProjector());
    const again = await fresh.map({ method: "UMAP", limit: 200 });
    expect(again.points.map((p) => [p.x, p.y])).toEqual(a.points.map((p) => [p.x, p.y]));
  }, 120_000);

  it("should draw only works that meet the filter and count them all", async () => {
    const m = await map({ filter: { mediumCategories: ["PAINTING"] }, colorBy: "MEDIUM_CATEGORY", limit: 50 });
    const paintings = await t.app.db.prisma.artwork.count({ where: { mediumCategory: "painting" } });
    expect(m.totalCount).toBe(paintings);
    expect(m.points).toHaveLength(Math.min(50, paintings));
    expect(m.legend).toEqual([{ key: "painting", count: m.points.length }]);
  });

  it("should colour by century as people write it", async () => {
    const m = await map({ colorBy: "CENTURY", limit: 1000 });
    expect(m.legend.every((l) => /^\d+(st|nd|rd|th) century( BCE)?$|^unknown$/.test(l.key))).toBe(true);
    const p = m.points.find((q) => q.colorKey === "19th century")!;
    const row = await t.app.db.prisma.artwork.findUniqueOrThrow({ where: { id: parseGlobalId(p.artworkId)!.internalId } });
    expect(row.yearStart).toBeGreaterThanOrEqual(1801);
    expect(row.yearStart).toBeLessThanOrEqual(1900);
  });

  it("should refuse a limit above the method's cap with the field and the cap in the message", async () => {
    const r = await t.gql(MAP, { method: "UMAP", limit: 6000 });
    expect(r.errors?.[0].extensions?.code).toBe("BAD_USER_INPUT");
    expect(r.errors?.[0].extensions?.field).toBe("limit");
    expect(r.errors?.[0].message).toMatch(/5,000/);
    const works = await t.gql(`{ embeddingMap(limit: 1001) { points { artwork { title } } } }`);
    expect(works.errors?.[0].extensions?.field).toBe("limit");
    const few = await t.gql(`{ embeddingMap(limit: 3) { points { artworkId artwork { id title } } } }`);
    expect(few.errors).toBeUndefined();
    for (const p of few.data.embeddingMap.points) expect(p.artwork.id).toBe(p.artworkId);
    const zero = await t.gql(MAP, { limit: 0 });
    expect(zero.errors?.[0].extensions?.code).toBe("BAD_USER_INPUT");
  });

  it("should be recomputed when the live generation's vectors change", async () => {
    const before = await map({ limit: 1000 });
    const gone = before.points[0].artworkId;
    const del = await t.admin(`mutation($id: ID!) { deleteArtwork(input: { id: $id }) { deletedId } }`, { id: gone });
    expect(del.errors).toBeUndefined();
    await t.drain();
    const after = await map({ limit: 1000 });
    expect(after.totalCount).toBe(before.totalCount - 1);
    expect(after.points.some((p) => p.artworkId === gone)).toBe(false);
  });
});

const CAN_RUN = chromiumAvailable("Map browser test");

describe.skipIf(!CAN_RUN)("the /map page in a browser", () => {
  let t: TestApp;
  let browser: Browser;
  beforeAll(async () => {
    t = await startTestApp("embedded");
    await t.drain();
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  it("should draw every work from this server alone, show a title on hover and similar works on click", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const requested: string[] = [];
    const failures: string[] = [];
    page.on("request", (r) => requested.push(r.url()));
    page.on("pageerror", (e) => failures.push(e.message));
    await page.goto(`${t.url}/map`);
    await page.waitForFunction(() => Number(document.getElementById("status")?.dataset.points ?? 0) > 0, null, { timeout: 60_000 });
    const works = await t.app.db.prisma.artwork.count();
    expect(await page.evaluate(() => (window as any).vitrineMap.points)).toBe(works);

    // the points are on the canvas: enough coloured (not white, not grey) pixels
    await page.waitForTimeout(100);
    const coloured = await page.evaluate(() => {
      const c = document.getElementById("map") as HTMLCanvasElement;
      const d = c.getContext("2d")!.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 0; i < d.length; i += 4) if (Math.max(d[i], d[i + 1], d[i + 2]) - Math.min(d[i], d[i + 1], d[i + 2]) > 30) n++;
      return n;
    });
    expect(coloured).toBeGreaterThan(works);

    // hover over a point: its title and artist
    const at = await page.evaluate(() => (window as any).vitrineMap.screenPosition(0));
    await page.mouse.move(at.x, at.y);
    await page.waitForSelector("#tooltip .title", { timeout: 10_000 });
    const shown = (await page.textContent("#tooltip .title"))!;
    const titles = new Set((await t.app.db.prisma.artwork.findMany({ select: { title: true } })).map((w) => w.title));
    expect(titles.has(shown)).toBe(true);

    // click: the work's similar works from similarArtworks
    await page.mouse.click(at.x, at.y);
    await page.waitForSelector("#similar .similar-work", { timeout: 30_000 });
    expect(await page.locator("#similar .similar-work").count()).toBe(10);
    expect(await page.textContent("#similar h2")).toContain(shown);

    const dir = path.resolve("test/e2e/__screenshots__");
    await mkdir(dir, { recursive: true });
    await page.screenshot({ path: path.join(dir, "map.png") });
    expect(failures).toEqual([]);
    expect(requested.every((u) => u.startsWith(t.url))).toBe(true);
  }, 120_000);
});
