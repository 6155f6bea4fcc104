/**
 * The embedded store's page cache (shared_buffers) follows VITRINE_PGLITE_SHARED_BUFFERS_MB: it lives in
 * PGlite's WASM memory, which never shrinks, so it is part of what a serving process holds (BENCHMARKS.md,
 * "memory of the serving process").
 */
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/adapters/prisma/database.ts";
import { loadConfig } from "../../src/config/config.ts";

describe("the embedded store's shared_buffers", () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  async function sharedBuffers(sharedBuffersMb?: number): Promise<string> {
    const dir = await mkdtemp(path.join(os.tmpdir(), "vitrine-buffers-"));
    dirs.push(dir);
    const db = await openDatabase({ embeddedDir: dir, sharedBuffersMb });
    try {
      const rows = await db.prisma.$queryRawUnsafe<{ shared_buffers: string }[]>("SHOW shared_buffers");
      return rows[0].shared_buffers;
    } finally {
      await db.close();
    }
  }

  it("is the configured size (16 MB by default), and PostgreSQL's 128 MB when none is given", async () => {
    expect(await sharedBuffers(loadConfig({}).embeddedStoreBuffersMb)).toBe("16MB");
    expect(await sharedBuffers(loadConfig({ VITRINE_PGLITE_SHARED_BUFFERS_MB: "48" }).embeddedStoreBuffersMb)).toBe("48MB");
    expect(await sharedBuffers()).toBe("128MB");
  }, 180_000);
});
