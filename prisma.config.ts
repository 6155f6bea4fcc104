/**
 * Prisma CLI configuration: migrations run through driver adapters with the WebAssembly schema engine,
 * so no engine binary is downloaded. DATABASE_URL set: that PostgreSQL; unset: the embedded store in
 * $PGLITE_DIR (default .vitrine/db). The running server migrates itself; this is for `prisma migrate dev`.
 */
import path from "node:path";
import { defineConfig } from "prisma/config";
import { pgliteMigrateAdapter, pgMigrateAdapter } from "./prisma/migrate-adapters.ts";

// the wasm schema engine arms long timers that keep the CLI open after it has finished
const originalSetTimeout = globalThis.setTimeout;
globalThis.setTimeout = ((fn: (...a: unknown[]) => void, ms?: number, ...args: unknown[]) => {
  const t = originalSetTimeout(fn, ms, ...args);
  if ((ms ?? 0) >= 5000) t.unref();
  return t;
}) as typeof setTimeout;

const realUrl = process.env.DATABASE_URL;
process.env.DATABASE_URL ??= "postgresql://embedded@localhost/embedded"; // validation placeholder only

export default defineConfig({
  schema: "prisma/schema.prisma",
  experimental: { adapter: true },
  engine: "js",
  adapter: async () =>
    realUrl ? pgMigrateAdapter(realUrl) : pgliteMigrateAdapter(path.resolve(process.env.PGLITE_DIR ?? ".vitrine/db")),
});
