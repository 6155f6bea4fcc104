/**
 * Starts a real vitrine server (HTTP on a free port) on a store of the given kind, with helpers to
 * query it. `gql` also checks every error's extensions.field against its request (error-paths.ts).
 */
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { pino, type Logger } from "pino";
import { loadConfig, type Config } from "../../src/config/config.ts";
import { createApp, type App } from "../../src/main.ts";
import { freshPostgresDatabase, type StoreKind } from "./databases.ts";
import { fieldProblem } from "./error-paths.ts";

export interface GraphQLResponse<T = any> {
  status: number;
  data?: T;
  errors?: { message: string; extensions?: { code?: string; field?: string; [k: string]: unknown }; path?: (string | number)[] }[];
  raw: string;
}

export interface TestApp {
  readonly app: App;
  readonly url: string;
  readonly adminKey: string;
  /** SQL statements sent since the last reset. */
  readonly sql: { count: number; reset(): void };
  gql<T = any>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GraphQLResponse<T>>;
  admin<T = any>(query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>>;
  /** Embeds and indexes every queued job now (what the worker does in the background). */
  drain(): Promise<void>;
  stop(): Promise<void>;
}

export interface TestAppOptions {
  readonly demo?: boolean;
  readonly env?: Record<string, string>;
  readonly config?: Partial<Config>;
  /** Run the in-process embedding runner (default false: tests drain the queue with `drain()`). */
  readonly worker?: boolean;
  /** Where the server logs (default: nowhere). */
  readonly log?: Logger;
}

export async function startTestApp(kind: StoreKind, options: TestAppOptions = {}): Promise<TestApp> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "vitrine-test-"));
  const database = kind === "postgresql" ? await freshPostgresDatabase() : null;
  const config = loadConfig(
    {
      NODE_ENV: "test",
      PORT: "0",
      HOST: "127.0.0.1",
      VITRINE_DATA_DIR: dataDir,
      VITRINE_DEMO: options.demo === false ? "0" : "1",
      VITRINE_INPROCESS_WORKER: options.worker ? "1" : "0",
      ...(database ? { DATABASE_URL: database.url } : {}),
      ...options.env,
    },
    options.config,
  );
  let bootstrap = "";
  const sql = { count: 0, reset: () => void (sql.count = 0) };
  const app = await createApp(config, {
    log: options.log ?? pino({ level: "silent" }),
    onQuery: () => void sql.count++,
    onBootstrapKey: (s) => void (bootstrap = s),
  });
  // the embedded default remembers every work's list rows after start; tests see the settled server
  await app.rowsWarmed;
  let adminKey = bootstrap;
  if (!adminKey) adminKey = (await app.services.apiKeys.create("tests", "ADMIN")).secret;
  const url = await app.listen();

  async function gql(query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}) {
    const res = await fetch(`${url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify({ query, variables }),
    });
    const raw = await res.text();
    const body = JSON.parse(raw);
    // the error contract: every extensions.field is a path in this request (error-paths.ts)
    for (const e of body.errors ?? []) {
      const problem = fieldProblem(query, variables, undefined, e);
      if (problem) throw new Error(`Error contract broken by "${e.message}": ${problem}.`);
    }
    return { status: res.status, data: body.data, errors: body.errors, raw };
  }

  return {
    app,
    url,
    adminKey,
    sql,
    gql,
    admin: (q, v) => gql(q, v, { authorization: `Bearer ${adminKey}` }),
    drain: async () => {
      await app.core.createWorker().drain();
    },
    stop: async () => {
      await app.stop();
      await database?.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
