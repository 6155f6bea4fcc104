/**
 * The embedded index as the app runs it: UsearchVectorIndex on its own thread (ThreadedVectorIndex).
 * The shared contract, then what the thread adds: what was written through the thread is in the
 * folder after close, errors keep their kind and message, and calls after close (or after the
 * thread is gone) fail instead of hanging.
 */
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ThreadedVectorIndex } from "../../src/adapters/embedded/threaded-vector-index.ts";
import { UsearchVectorIndex } from "../../src/adapters/embedded/usearch-vector-index.ts";
import { DIM, inTempFolder, makePoints, mulberry32, vectorIndexContract } from "./vector-index.contract.ts";

vectorIndexContract("ThreadedVectorIndex (embedded, on its own thread, i8 graph as served)", () =>
  inTempFolder("vitrine-threaded-contract-", (dir) => ThreadedVectorIndex.open({ dir, quantization: "i8" })),
);

describe("ThreadedVectorIndex (thread only)", () => {
  const dirs: string[] = [];
  const tempDir = async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "vitrine-threaded-"));
    dirs.push(dir);
    return dir;
  };
  afterEach(async () => {
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });

  it("what was written through the thread is in the folder after close: the in-thread adapter reads the same points and answers", async () => {
    const dir = await tempDir();
    const threaded = await ThreadedVectorIndex.open({ dir });
    const points = makePoints(mulberry32(7), 40);
    await threaded.ensureCollection("works-v1", DIM, { embeddingVersion: "v1" });
    await threaded.upsert("works-v1", points);
    await threaded.setAlias("works", "works-v1");
    const query = { vector: points[3].vector, k: 5, excludeIds: [points[3].id] };
    const before = await threaded.search("works", query);
    await threaded.close();

    const direct = await UsearchVectorIndex.open({ dir });
    try {
      expect(await direct.count("works")).toBe(40);
      expect(await direct.collectionInfo("works")).toEqual({ name: "works-v1", dimension: DIM, metadata: { embeddingVersion: "v1" } });
      expect(await direct.search("works", query)).toEqual(before);
      const [stored] = await direct.get("works", [points[0].id]);
      expect(Array.from(stored.vector)).toEqual(Array.from(points[0].vector));
    } finally {
      await direct.close();
    }
  });

  it("errors from the thread keep their kind and message", async () => {
    const threaded = await ThreadedVectorIndex.open({ dir: await tempDir() });
    try {
      await expect(threaded.search("nowhere", { vector: new Float32Array(DIM), k: 3 })).rejects.toThrow(/No collection or alias named nowhere/);
      await threaded.ensureCollection("c", DIM);
      const error = await threaded.recommend("c", { positive: [], negative: [], strategy: "AVERAGE_VECTOR", k: 3 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RangeError);
      expect((error as Error).message).toMatch(/at least one positive/);
      // the thread still answers after a failed call
      expect(await threaded.count("c")).toBe(0);
    } finally {
      await threaded.close();
    }
  });

  it("calls after close fail at once; close twice is fine", async () => {
    const threaded = await ThreadedVectorIndex.open({ dir: await tempDir() });
    await threaded.ensureCollection("c", DIM);
    await threaded.close();
    await threaded.close();
    await expect(threaded.count("c")).rejects.toThrow(/closed/);
  });

  it("a folder that cannot be opened is an error from open (live) or first use (other), and the thread still serves other folders", async () => {
    const dir = await tempDir();
    const { writeFile, mkdir } = await import("node:fs/promises");
    await mkdir(path.join(dir, "broken"), { recursive: true });
    await writeFile(path.join(dir, "broken", "CURRENT"), "gen-000009");
    // a collection no alias names is loaded when first used
    const lazy = await ThreadedVectorIndex.open({ dir });
    await expect(lazy.count("broken")).rejects.toThrow(/gen-000009|ENOENT/);
    await lazy.close();
    // the live one (an alias names it) is loaded by open
    await writeFile(path.join(dir, "aliases.json"), JSON.stringify({ works: "broken" }));
    await expect(ThreadedVectorIndex.open({ dir })).rejects.toThrow(/gen-000009|ENOENT/);
    const other = await ThreadedVectorIndex.open({ dir: await tempDir() });
    await other.ensureCollection("c", DIM);
    expect(await other.listCollections()).toEqual(["c"]);
    await other.close();
  });
});
