/**
 * Driver adapters for the Prisma CLI only (`prisma migrate dev|deploy|status|diff`), so migrations run
 * with Prisma's WebAssembly schema engine and nothing is downloaded. The running server applies
 * migrations itself (src/adapters/prisma/migrator.ts); these wrappers serve developers creating them.
 * Each works around a known upstream defect, named at the spot.
 */
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import pg from "pg";

type Factory = Awaited<ReturnType<PrismaPg["connect"]>>;

/** adapter-pg cannot decode `name` / `"char"` columns that the engine's introspection selects: read them as text. */
class TextNameClient extends pg.Client {
  _handleRowDescription(msg: { fields: { dataTypeID: number }[] }): void {
    for (const f of msg.fields) {
      if (f.dataTypeID === 19 || f.dataTypeID === 18) f.dataTypeID = 25;
      else if (f.dataTypeID === 1003 || f.dataTypeID === 1002) f.dataTypeID = 1009;
    }
    // private in the typings, present at run time
    (pg.Client.prototype as unknown as { _handleRowDescription(m: unknown): void })._handleRowDescription.call(this, msg);
  }
}

function poolConfig(url: string, database?: string): pg.PoolConfig {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || 5432),
    user: decodeURIComponent(u.username) || undefined,
    password: decodeURIComponent(u.password) || undefined,
    database: database ?? (u.pathname.slice(1) || undefined),
    max: 1,
    allowExitOnIdle: true,
    Client: TextNameClient as unknown as typeof pg.Client,
  };
}

export function pgMigrateAdapter(url: string) {
  // host/user/database passed apart: with connectionString, pg would ignore the shadow database name
  const factory = new PrismaPg(poolConfig(url));
  return Object.assign(factory, {
    async connectToShadowDb(): Promise<Factory> {
      const admin = new pg.Pool(poolConfig(url));
      const name = `prisma_migrate_shadow_db_${globalThis.crypto.randomUUID().replaceAll("-", "")}`;
      await admin.query(`CREATE DATABASE "${name}"`);
      const shadow = await new PrismaPg(poolConfig(url, name)).connect();
      const dispose = shadow.dispose.bind(shadow);
      shadow.dispose = async () => {
        await dispose(); // close our own connection first, then drop
        await admin.query(`DROP DATABASE IF EXISTS "${name}"`);
        await admin.end();
      };
      return shadow;
    },
  });
}

const opened = new Map<string, PGlite>();

function unrefTimers(db: PGlite): void {
  for (const v of Object.values(db as unknown as Record<string, unknown>)) {
    if (v && typeof v === "object" && typeof (v as { unref?: unknown }).unref === "function") {
      (v as { unref: () => void }).unref();
    }
  }
}

async function wrapPglite(db: PGlite) {
  unrefTimers(db);
  const adapter = await new PrismaPGlite(db).connect();
  const query = adapter.queryRaw.bind(adapter);
  const execute = adapter.executeRaw.bind(adapter);
  // upstream fires exec() without awaiting it: errors vanish and the next statement races the script
  adapter.executeScript = async (script: string) => {
    await db.exec(script);
  };
  // several statements in one parameterless string need the simple protocol
  adapter.executeRaw = async (q) => (q.args.length === 0 && q.sql.includes(";") ? (await db.exec(q.sql), 0) : execute(q));
  adapter.queryRaw = async (q) => query(q);
  return adapter;
}

export function pgliteMigrateAdapter(dir: string) {
  return {
    provider: "postgres" as const,
    adapterName: "pglite-migrate",
    async connect() {
      let db = opened.get(dir);
      if (!db) {
        db = await PGlite.create({ dataDir: dir });
        opened.set(dir, db);
      }
      return wrapPglite(db);
    },
    async connectToShadowDb() {
      return wrapPglite(await PGlite.create({ dataDir: "memory://" }));
    },
  };
}
