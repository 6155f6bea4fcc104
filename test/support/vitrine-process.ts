/**
 * Runs the `vitrine` command (bin/vitrine.js) as a child process, the way an operator does, for the
 * fault drills: `import`, `worker`, `reconcile` to completion, or `serve` in the background until
 * stopped. The child gets only the environment given (plus PATH and HOME), the tiny model, and logs
 * at info level so that its output can be read.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import pg from "pg";

const BIN = path.resolve("bin/vitrine.js");
/** A drill's request that has no answer after this long counts as a hang. */
const REQUEST_TIMEOUT_MS = 20_000;

export interface VitrineProcess {
  readonly child: ChildProcess;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /** Settles when the process ends, with its exit code (null when a signal ended it) and that signal. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `vitrine ...args` with `env` (VITRINE_MODEL_PATH defaults to the tiny generated model). */
export function spawnVitrine(args: readonly string[], env: Record<string, string>): VitrineProcess {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      NODE_ENV: "test",
      LOG_LEVEL: "info",
      VITRINE_DEMO: "0",
      VITRINE_MODEL_PATH: path.resolve("models/vit-mae-tiny.onnx"),
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (b: Buffer) => (out += b.toString("utf8")));
  child.stderr!.on("data", (b: Buffer) => (out += b.toString("utf8")));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  return { child, output: () => out, exited };
}

/** Runs `vitrine ...args` to its end; throws with its output when it exits with another code than `expectCode`. */
export async function runVitrine(args: readonly string[], env: Record<string, string>, expectCode = 0): Promise<string> {
  const p = spawnVitrine(args, env);
  const { code, signal } = await p.exited;
  if (code !== expectCode) throw new Error(`vitrine ${args.join(" ")} ended with ${signal ?? `exit code ${code}`}:\n${p.output().slice(-4000)}`);
  return p.output();
}

export interface ServeProcess extends VitrineProcess {
  /** The base URL (http://127.0.0.1:PORT). */
  readonly url: string;
  /** POSTs a GraphQL request; returns the parsed body and the HTTP status. */
  gql(query: string, variables?: Record<string, unknown>): Promise<{ status: number; body: any; raw: string }>;
  health(): Promise<any>;
  /** SIGTERM, then waits for the end. */
  stop(): Promise<void>;
}

/** Starts `vitrine serve` on a free port of 127.0.0.1 and waits until it listens. */
export async function startServe(env: Record<string, string>): Promise<ServeProcess> {
  const p = spawnVitrine(["serve"], { HOST: "127.0.0.1", PORT: "0", ...env });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setInterval(() => {
      const m = /"url":"(http:\/\/[^"]+)\/graphql"/.exec(p.output());
      if (m) {
        clearInterval(timer);
        resolve(m[1]);
      }
    }, 50);
    void p.exited.then(({ code, signal }) => {
      clearInterval(timer);
      reject(new Error(`vitrine serve ended with ${signal ?? `exit code ${code}`} before listening:\n${p.output().slice(-4000)}`));
    });
  });
  return {
    ...p,
    url,
    gql: async (query, variables) => {
      // a request left unanswered fails the drill with its query rather than at the test's time-out
      const res = await fetch(`${url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query, variables }),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      const raw = await res.text();
      let body: unknown = null;
      try {
        body = JSON.parse(raw);
      } catch {
        // not JSON: the caller sees `raw`
      }
      return { status: res.status, body, raw };
    },
    health: async () => (await fetch(`${url}/health`, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) })).json(),
    stop: async () => {
      if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill("SIGTERM");
      const killer = setTimeout(() => p.child.kill("SIGKILL"), 30_000); // the server's own deadline is 20 s
      await p.exited;
      clearTimeout(killer);
    },
  };
}

/** Writes `count` catalogue rows (JSON Lines, one artist per ten works) to `file`. */
export async function writeCatalogue(file: string, count: number, source = "drill"): Promise<void> {
  const rows = Array.from({ length: count }, (_, i) =>
    JSON.stringify({
      source,
      sourceId: `w${i}`,
      title: `Drill study ${i}`,
      mediumCategory: ["painting", "drawing", "print"][i % 3],
      yearStart: 1600 + (i % 300),
      yearEnd: 1600 + (i % 300),
      artists: [{ name: `Drill Artist ${Math.floor(i / 10)}`, birthYear: 1580 + (i % 300) }],
      dimensionsInches: { height: 10 + (i % 7), width: 8 + (i % 5) },
    }),
  );
  await writeFile(file, `${rows.join("\n")}\n`);
}

/** What every drill checks at the end, read from the catalogue database. */
export interface CatalogueTally {
  readonly works: number;
  /** Works that appear more than once under one (source, sourceId). */
  readonly duplicateWorks: number;
  /** Works with more than one embedding job done: embedded twice. */
  readonly embeddedTwice: number;
  readonly jobs: Record<"PENDING" | "RUNNING" | "FAILED" | "DONE", number>;
}

export async function tallyCatalogue(databaseUrl: string): Promise<CatalogueTally> {
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    const works = Number((await c.query(`SELECT count(*) AS n FROM "Artwork"`)).rows[0].n);
    const duplicateWorks = Number((await c.query(`SELECT count(*) AS n FROM (SELECT 1 FROM "Artwork" GROUP BY source, "sourceId" HAVING count(*) > 1) d`)).rows[0].n);
    const embeddedTwice = Number((await c.query(`SELECT count(*) AS n FROM (SELECT 1 FROM "EmbeddingJob" WHERE status = 'DONE' GROUP BY "artworkId" HAVING count(*) > 1) d`)).rows[0].n);
    const jobs = { PENDING: 0, RUNNING: 0, FAILED: 0, DONE: 0 };
    for (const r of (await c.query(`SELECT status, count(*) AS n FROM "EmbeddingJob" GROUP BY status`)).rows) jobs[r.status as keyof typeof jobs] = Number(r.n);
    return { works, duplicateWorks, embeddedTwice, jobs };
  } finally {
    await c.end();
  }
}

/** Polls `check` every 200 ms until it is true; throws after `timeoutMs` with `what`. */
export async function until(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
