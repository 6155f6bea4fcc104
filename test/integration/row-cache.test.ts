/**
 * The row cache in front of the catalogue store (src/adapters/cache), on the real embedded store:
 * after start it holds every work's list rows, so similar-work lists need no SQL; rows a write
 * changed while warming read them are not kept stale; credits share one object per artist.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CachedCatalogueStore } from "../../src/adapters/cache/cached-catalogue-store.ts";
import { PrismaCatalogueStore } from "../../src/adapters/prisma/prisma-catalogue-store.ts";
import type { CatalogueStore } from "../../src/ports/catalogue-store.port.ts";
import { startTestApp, type TestApp } from "../support/test-app.ts";

describe("row cache (embedded store, demo catalogue)", () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp("embedded");
    await t.drain();
  });
  afterAll(async () => {
    await t?.stop();
  });

  it("after start every work's list rows are remembered: similar works with titles, artists and images need no SQL", async () => {
    const first = await t.gql(`{ artworks(first: 3) { edges { node { id } } } }`);
    const ids: string[] = first.data.artworks.edges.map((e: any) => e.node.id);
    t.sql.reset();
    for (const id of ids) {
      const r = await t.gql(`query($id: ID!) { similarArtworks(id: $id, first: 20) { edges { score node { id title dateText artists { name } image { width } } } } }`, { id });
      expect(r.errors).toBeUndefined();
      expect(r.data.similarArtworks.edges).toHaveLength(20);
      expect(r.data.similarArtworks.edges.every((e: any) => typeof e.node.title === "string")).toBe(true);
    }
    expect(t.sql.count).toBe(0);
  });

  it("a work changed while warming was reading its page is read fresh afterwards, not as it was before the change", async () => {
    const real = new PrismaCatalogueStore(t.app.db.prisma);
    const [id] = await real.artworkIdsAfter(null, 1);
    const [before] = await real.artworksByIds([id]);
    // hold warming's first page read until the change below has been made through the cache
    let release!: () => void;
    let reading!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const started = new Promise<void>((r) => (reading = r));
    let held = false;
    const gated: CatalogueStore = Object.create(real, {
      artworksByIds: {
        value: async (ids: readonly string[]) => {
          const rows = await real.artworksByIds(ids);
          if (!held) {
            held = true;
            reading();
            await gate;
          }
          return rows;
        },
      },
    });
    const cache = new CachedCatalogueStore(gated, { maxEntries: 10_000, ttlMs: Infinity });
    const warming = cache.warm({ pageSize: 100 });
    await started;
    const title = `${before!.title} (retitled while warming)`;
    try {
      expect(await cache.updateArtwork(id, { fields: { title } }, null)).toBe(true);
      release();
      expect(await warming).toBeGreaterThan(900);
      const [after] = await cache.artworksByIds([id]);
      expect(after!.title).toBe(title);
    } finally {
      release();
      await real.updateArtwork(id, { fields: { title: before!.title } }, null);
    }
  });

  it("remembered rows are the store's rows, field for field, whether warmed or read on demand", async () => {
    const real = new PrismaCatalogueStore(t.app.db.prisma);
    const ids = await real.artworkIdsAfter(null, 1000);
    const expected = await real.artworksByIds(ids);
    const warmed = new CachedCatalogueStore(real, { maxEntries: 10_000, ttlMs: Infinity });
    await warmed.warm({ pageSize: 100 });
    expect(await warmed.artworksByIds(ids)).toEqual(expected);
    const onDemand = new CachedCatalogueStore(real, { maxEntries: 10_000, ttlMs: Infinity });
    expect(await onDemand.artworksByIds(ids)).toEqual(expected);
    expect(await onDemand.artworksByIds(ids)).toEqual(expected); // remembered this time
    // the demo has works with and without image URLs, with one and with several
    expect(new Set(expected.map((w) => Math.min(w!.imageUrls.length, 2)))).toEqual(new Set([0, 1, 2]));
  });

  it("remembered credits share one object per artist and still name each work's artists", async () => {
    const real = new PrismaCatalogueStore(t.app.db.prisma);
    const cache = new CachedCatalogueStore(real, { maxEntries: 10_000, ttlMs: Infinity });
    await cache.warm();
    const ids = await real.artworkIdsAfter(null, 1000);
    const remembered = await cache.creditsByArtworkIds(ids);
    const fresh = await real.creditsByArtworkIds(ids);
    expect(remembered.map((l) => l.map((c) => [c.artist.id, c.artist.name, c.role]))).toEqual(fresh.map((l) => l.map((c) => [c.artist.id, c.artist.name, c.role])));
    const objects = new Map<string, Set<object>>();
    let credits = 0;
    for (const c of remembered.flat()) {
      credits++;
      objects.set(c.artist.id, (objects.get(c.artist.id) ?? new Set()).add(c.artist));
    }
    // the demo catalogue credits some artists on many works
    expect(objects.size).toBeLessThan(credits);
    for (const [id, set] of objects) expect(set.size, id).toBe(1);
  });
  /** The real store, counting the work rows it is asked for. */
  function counted(): { store: CatalogueStore; reads: string[] } {
    const real = new PrismaCatalogueStore(t.app.db.prisma);
    const reads: string[] = [];
    const store: CatalogueStore = Object.create(real, {
      artworksByIds: { value: (ids: readonly string[]) => (reads.push(...ids), real.artworksByIds(ids)) },
    });
    return { store, reads };
  }

  it("forgets the least recently used work first when full, and a work read again is kept", async () => {
    const { store, reads } = counted();
    const [a, b, c] = await store.artworkIdsAfter(null, 3);
    const cache = new CachedCatalogueStore(store, { maxEntries: 2, ttlMs: Infinity });
    await cache.artworksByIds([a, b]);
    await cache.artworksByIds([a]); // a is now the most recently used
    await cache.artworksByIds([c]); // full: b goes
    reads.length = 0;
    const rows = await cache.artworksByIds([a, c, b]);
    expect(rows.map((r) => r?.id)).toEqual([a, c, b]);
    expect(reads).toEqual([b]);
  });

  it("trusts a remembered row for ttlMs only, so a change made by another process shows after that", async () => {
    const { store, reads } = counted();
    const [id] = await store.artworkIdsAfter(null, 1);
    const [before] = await store.artworksByIds([id]);
    const cache = new CachedCatalogueStore(store, { maxEntries: 100, ttlMs: 300 });
    await cache.artworksByIds([id]);
    // another process changes the work: this cache is not told
    await store.updateArtwork(id, { fields: { title: `${before!.title} (changed elsewhere)` } }, null);
    try {
      reads.length = 0;
      expect((await cache.artworksByIds([id]))[0]!.title).toBe(before!.title);
      expect(reads).toEqual([]);
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect((await cache.artworksByIds([id]))[0]!.title).toBe(`${before!.title} (changed elsewhere)`);
      expect(reads).toEqual([id]);
    } finally {
      await store.updateArtwork(id, { fields: { title: before!.title } }, null);
    }
  });

  it("remembers that a work does not exist", async () => {
    const { store, reads } = counted();
    const cache = new CachedCatalogueStore(store, { maxEntries: 100, ttlMs: Infinity });
    const nobody = "00000000-0000-4000-8000-000000000000";
    expect(await cache.artworksByIds([nobody])).toEqual([null]);
    expect(await cache.artworksByIds([nobody])).toEqual([null]);
    expect(reads).toEqual([nobody]);
  });
});
