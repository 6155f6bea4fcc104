/**
 * Opens the catalogue database: the embedded PostgreSQL (PGlite) in a local folder when no URL is given,
 * or a PostgreSQL server. Both are migrated, then wrapped in the same Prisma client, so services never
 * see which one runs. Every SQL statement passes through `onQuery` (metrics, the query-count test).
 */
import { mkdir, open, readFile, rm } from "node:fs/promises";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { unaccent } from "@electric-sql/pglite/contrib/unaccent";
import { PrismaPg } from "@prisma/adapter-pg";
import type { SqlDriverAdapterFactory, SqlQueryable, Transaction } from "@prisma/driver-adapter-utils";
import { PrismaPGlite } from "pglite-prisma-adapter";
import pg from "pg";
import { PrismaClient } from "../../generated/prisma/client.ts";
import { processIsAlive } from "../fs/process-alive.ts";
import { migrate, type MigrationConnection, type MigrationResult } from "./migrator.ts";
import { releasingOnFailedEnd } from "./transaction-release.ts";

export interface DatabaseOptions {
  /** PostgreSQL URL; undefined opens the embedded store in `embeddedDir`. */
  readonly url?: string;
  /** Folder of the embedded store (created if missing). `memory://` keeps it in memory. */
  readonly embeddedDir: string;
  /** Called once per SQL statement sent to the database. */
  readonly onQuery?: (sql: string) => void;
  /**
   * The embedded store's shared_buffers in MB (PostgreSQL's page cache inside PGlite's WASM memory,
   * which never shrinks; default: PostgreSQL's 128). Its files are read through the OS page cache anyway.
   */
  readonly sharedBuffersMb?: number;
}

export interface Database {
  readonly prisma: PrismaClient;
  readonly kind: "embedded" | "postgresql";
  readonly migrations: MigrationResult;
  /** Cheap round trip for /health. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** How long a query waits for a free pooled connection, or for a new one to open, before it fails. */
const CONNECT_TIMEOUT_MS = 10_000;

type Queryable = Pick<SqlQueryable, "queryRaw" | "executeRaw">;

function countQueries<T extends Queryable>(q: T, onQuery: (sql: string) => void): T {
  const queryRaw = q.queryRaw.bind(q);
  const executeRaw = q.executeRaw.bind(q);
  q.queryRaw = (query) => (onQuery(query.sql), queryRaw(query));
  q.executeRaw = (query) => (onQuery(query.sql), executeRaw(query));
  return q;
}

/**
 * Wraps a driver adapter factory: each statement (inside transactions too) is reported to `onQuery`,
 * and each transaction passes through `onTransaction`.
 */
function observed<F extends SqlDriverAdapterFactory>(factory: F, onQuery?: (sql: string) => void, onTransaction?: (tx: Transaction) => Transaction): F {
  if (!onQuery && !onTransaction) return factory;
  const report = <T extends Queryable>(q: T): T => (onQuery ? countQueries(q, onQuery) : q);
  const connect = factory.connect.bind(factory);
  factory.connect = async () => {
    const adapter = report(await connect());
    const start = adapter.startTransaction.bind(adapter);
    adapter.startTransaction = async (...args) => {
      const tx = report(await start(...args));
      return onTransaction ? onTransaction(tx) : tx;
    };
    return adapter;
  };
  return factory;
}

/** A lock file so that two processes never open one embedded folder (PGlite is single-process). */
async function lockFolder(dir: string): Promise<() => Promise<void>> {
  const lockPath = path.join(dir, "vitrine.lock");
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(lockPath, "wx");
      await handle.writeFile(String(process.pid));
      await handle.close();
      return () => rm(lockPath, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      const pid = Number(await readFile(lockPath, "utf8").catch(() => ""));
      if (processIsAlive(pid) && pid !== process.pid) {
        throw new Error(
          `The embedded store in ${dir} is open in another vitrine process (pid ${pid}). Stop it first, or use DATABASE_URL for several processes.`,
        );
      }
      await rm(lockPath, { force: true }); // stale lock from a process that died
    }
  }
  throw new Error(`Could not lock ${dir}.`);
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.url) {
    // A request waits at most CONNECT_TIMEOUT_MS for a connection (then SERVICE_UNAVAILABLE), never forever.
    const pool = new pg.Pool({ connectionString: options.url, max: 10, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
    // An idle connection can die (server restart, failover, admin termination). pg emits that on the pool;
    // unhandled, it would crash the process. The pool has already dropped the connection and the next
    // query opens a new one, so there is nothing else to do (queries in flight fail and are reported).
    pool.on("error", () => {});
    // The pool listens for errors only on idle clients. A connection terminated just as it is handed out
    // (its ready message and the server's FATAL in one read, measured under pg_terminate_backend) emits
    // its error before the borrower has attached a listener, and that unhandled event ended the process.
    // Every client keeps a listener of its own: the query in flight still fails, and the pool drops the
    // dead client when it is released (it is no longer queryable).
    pool.on("connect", (client) => client.on("error", () => {}));
    const client = await pool.connect();
    let migrations: MigrationResult;
    try {
      const conn: MigrationConnection = {
        exec: async (sql) => void (await client.query(sql)),
        query: async (sql, params) => (await client.query(sql, params)).rows,
      };
      migrations = await migrate(conn);
    } finally {
      client.release();
    }
    const prisma = new PrismaClient({ adapter: observed(new PrismaPg(pool), options.onQuery, releasingOnFailedEnd) });
    return {
      prisma,
      kind: "postgresql",
      migrations,
      ping: async () => void (await pool.query("SELECT 1")),
      close: async () => {
        await prisma.$disconnect();
        await pool.end();
      },
    };
  }
  const inMemory = options.embeddedDir.startsWith("memory://");
  let unlock = async () => {};
  if (!inMemory) {
    await mkdir(options.embeddedDir, { recursive: true });
    unlock = await lockFolder(options.embeddedDir);
  }
  try {
    // unaccent backs text search and the accent-insensitive sort keys (migration 20261201030000)
    const db = await PGlite.create({
      dataDir: inMemory ? options.embeddedDir : path.join(options.embeddedDir, "pgdata"),
      extensions: { unaccent },
      ...(options.sharedBuffersMb ? { startParams: [...PGlite.defaultStartParams, "-c", `shared_buffers=${options.sharedBuffersMb}MB`] } : {}),
    });
    const migrations = await migrate({
      exec: async (sql) => void (await db.exec(sql)),
      query: async (sql, params) => (await db.query(sql, params)).rows as never[],
    });
    const prisma = new PrismaClient({ adapter: observed(new PrismaPGlite(db), options.onQuery) });
    return {
      prisma,
      kind: "embedded",
      migrations,
      ping: async () => void (await db.query("SELECT 1")),
      close: async () => {
        await prisma.$disconnect();
        await db.close();
        await unlock();
      },
    };
  } catch (e) {
    await unlock();
    throw e;
  }
}
