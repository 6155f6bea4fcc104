/**
 * Load drill (issues "lifecycle" item 7 and "limits" item 4): a synthetic catalogue built from the CMOA
 * sample (bench/support/corpus.ts), served by vitrine in a process of its own (ServerProcess of
 * bench/similarity.ts), against the embedded default and against PostgreSQL (the index stays embedded):
 * 1. the hostage request of issue #14 item 4 (a batch of 10 operations, each 20 aliases of
 *    `similarArtworks(first: 100, diversity: 0.9, groupByArtist: true, weights: …)`): how long it takes,
 *    what it answers, how long /health waits meanwhile (polled every 20 ms) and the server's longest
 *    event-loop delay (its /metrics, read before and after); again against a server whose cost limit
 *    is raised out of the way (`hostage-unpriced`: what the time budget and MMR's slices do alone);
 * 2. what each similar-works feature costs: one sequential client, plain / weights / diversity 0.9 /
 *    groupByArtist / all three, at first 10 and 100, p50 over different works, and its ratio to plain
 *    first 10 (the yardstick, measured in turns with the others);
 * 3. (`load-plain`, off by default: the same drill without the heavy requests and the hostage batch, as
 *    the yardstick of other clients' latencies) then `load`: `--clients` clients (default 16) for `--duration` seconds (default 60) on loopback: catalogue pages,
 *    similar works with and without weights, recommendations, a few heavy similar-works requests and now
 *    and then the hostage batch; one of the clients is an admin updating works. Per operation: count,
 *    p50/p99, errors (anything but QUERY_TOO_EXPENSIVE for the hostage batch and the heavy requests,
 *    counted as refused: under load a heavy request may outlast its time budget, by design); the
 *    server's resident memory at the start and the end of the drill.
 *
 *   npm run bench -- load [--works 10000] [--duration 60] [--clients 16] [--stores embedded,postgresql]
 *                         [--database-url postgresql://postgres@127.0.0.1:5432/postgres] [--seed 1]
 *                         [--catalogue ../shared/data/cmoa-catalogue.jsonl] [--steps hostage,hostage-unpriced,costs,load-plain,load]
 *
 * Data is written under os.tmpdir() and removed at the end, with the PostgreSQL database it created.
 */
import "reflect-metadata";
import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { toGlobalId } from "../src/graphql/relay.ts";
import { mulberry32 } from "../src/encoding/seeded-random.ts";
import { createApp } from "../src/main.ts";
import { ServerProcess } from "./similarity.ts";
import { benchConfig, benchImageEncoder, catalogueSample, indexCorpus, readSample, writeCorpus } from "./support/corpus.ts";

const log = (msg: string) => process.stderr.write(`[load] ${msg}\n`);

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}
const p = (times: readonly number[], q: number) => percentile([...times].sort((a, b) => a - b), q);
const ms = (x: number) => (Number.isNaN(x) ? "–" : x < 10 ? x.toFixed(1) : x.toFixed(0));
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

// ---------------------------------------------------------------------------------------------- requests

const WEIGHTS = "{ image: 0.3, metadata: 0.7, artist: 0.5, medium: 0.1, time: 0.2, provenance: 0.1, size: 0.05, palette: 0.05 }";
const EDGE = "edges { score node { id title artists { name } } }";

/** `similarArtworks` with the given arguments beside `id` and `first`. */
function similarQuery(first: number, extra: string): string {
  return `query Similar($id: ID!) { similarArtworks(id: $id, first: ${first}${extra ? `, ${extra}` : ""}) { ${EDGE} } }`;
}

/** The request of issue #14 item 4: 10 operations of 20 aliases, each of the costliest similar-works form. */
export function hostageBatch(ids: readonly string[]): string {
  const aliases = Array.from({ length: 20 }, (_, i) => `a${i}: similarArtworks(id: "${ids[i % ids.length]}", first: 100, diversity: 0.9, groupByArtist: true, weights: ${WEIGHTS}) { edges { score } }`).join(" ");
  return JSON.stringify(Array.from({ length: 10 }, () => ({ query: `{ ${aliases} }` })));
}

const FEATURES: readonly { label: string; args: string }[] = [
  { label: "plain", args: "" },
  { label: "weights", args: `weights: ${WEIGHTS}` },
  { label: "diversity 0.9 (MMR)", args: "diversity: 0.9" },
  { label: "groupByArtist", args: "groupByArtist: true" },
  { label: "all three", args: `diversity: 0.9, groupByArtist: true, weights: ${WEIGHTS}` },
];

const CATALOGUE_PAGE = "query Page($after: String) { artworks(first: 20, after: $after) { edges { cursor node { id title artists { name } } } pageInfo { endCursor hasNextPage } } }";
const RECOMMEND = `query Recommend($positive: [ID!]!) { recommendations(positive: $positive, first: 10) { ${EDGE} } }`;
const UPDATE = "mutation Update($input: UpdateArtworkInput!) { updateArtwork(input: $input) { artwork { id title } } }";

interface Answer {
  status: number;
  ms: number;
  text: string;
}

/** Posts JSON to `url` on a kept-alive connection of `agent`. */
function post(url: URL, agent: http.Agent, body: string, headers: Record<string, string> = {}): Promise<Answer> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: url.hostname, port: url.port, path: url.pathname, method: "POST", agent, headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body), ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - t0, text: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

function get(url: string, agent: http.Agent): Promise<Answer> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - t0, text: Buffer.concat(chunks).toString("utf8") }));
      })
      .on("error", reject);
  });
}

const ok = (a: Answer) => a.status === 200 && !a.text.includes('"errors"');
const codesOf = (a: Answer) => [...new Set([...a.text.matchAll(/"code":"([A-Z_]+)"/g)].map((m) => m[1]))].join(", ") || "none";

/** The server's longest event-loop delay since the last reading (prom-client resets it when read). */
async function loopDelayMax(base: string, agent: http.Agent): Promise<number> {
  const text = (await get(`${base}/metrics`, agent)).text;
  return Number(/^vitrine_nodejs_eventloop_lag_max_seconds (\S+)/m.exec(text)?.[1] ?? NaN) * 1000;
}

// ---------------------------------------------------------------------------------------------- stores

interface Built {
  readonly dataDir: string;
  readonly env: Record<string, string>;
  readonly ids: readonly string[];
  readonly adminKey: string;
  readonly drop: () => Promise<void>;
}

async function freshDatabase(baseUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `vitrine_bench_load_${process.pid}`;
  const run = async (sql: string) => {
    const c = new pg.Client({ connectionString: baseUrl });
    await c.connect();
    await c.query(sql);
    await c.end();
  };
  await run(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await run(`CREATE DATABASE "${name}"`);
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => run(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
}

/** Imports the corpus into a store of `kind`, indexes it, creates an admin key; then closes everything (the server opens it). */
async function build(kind: string, tmp: string, corpusFile: string, seed: number, databaseUrl: string): Promise<Built> {
  const dataDir = path.join(tmp, kind);
  const database = kind === "postgresql" ? await freshDatabase(databaseUrl) : null;
  const env: Record<string, string> = database ? { DATABASE_URL: database.url } : {};
  const app = await createApp(benchConfig(dataDir, env), { imageEncoder: benchImageEncoder, onBootstrapKey: () => {} });
  try {
    let t0 = performance.now();
    const summary = await app.services.importer.importFile(corpusFile);
    log(`${kind}: imported ${summary.created} works in ${((performance.now() - t0) / 1000).toFixed(1)} s (${summary.rejected.length} rejected)`);
    t0 = performance.now();
    const vectors = await indexCorpus(app, seed + 1, (n) => log(`  indexed ${n}`));
    log(`${kind}: indexed ${vectors.indexed} vectors in ${vectors.seconds.toFixed(1)} s`);
    const ids: string[] = [];
    for (let after: string | null = null; ; ) {
      const page = await app.core.store.artworkIdsAfter(after, 1000);
      if (page.length === 0) break;
      ids.push(...page);
      after = page[page.length - 1];
    }
    const { secret } = await app.services.apiKeys.create("load benchmark", "ADMIN");
    return { dataDir, env, ids: ids.map((id) => toGlobalId("Artwork", id)), adminKey: secret, drop: database?.drop ?? (() => Promise.resolve()) };
  } finally {
    await app.stop();
  }
}

// ---------------------------------------------------------------------------------------------- steps

interface HostageResult {
  seconds: number;
  status: number;
  codes: string;
  healthCount: number;
  healthMax: number;
  healthP50: number;
  loopMaxMs: number;
}

/** Step 1: the hostage batch, with /health polled every 20 ms on a connection of its own. */
async function hostage(base: string, ids: readonly string[]): Promise<HostageResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 2 });
  // a few ordinary requests first: a fresh server compiles its request path on the first ones
  for (let i = 0; i < 5; i++) await post(new URL(`${base}/graphql`), agent, JSON.stringify({ query: similarQuery(10, ""), variables: { id: ids[i % ids.length] } }));
  await loopDelayMax(base, agent);
  const health: number[] = [];
  let running = true;
  const poller = (async () => {
    while (running) {
      health.push((await get(`${base}/health`, agent)).ms);
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  const answer = await post(new URL(`${base}/graphql`), new http.Agent({ keepAlive: true }), hostageBatch(ids));
  running = false;
  await poller;
  const loopMaxMs = await loopDelayMax(base, agent);
  agent.destroy();
  return { seconds: answer.ms / 1000, status: answer.status, codes: codesOf(answer), healthCount: health.length, healthMax: Math.max(...health), healthP50: p(health, 0.5), loopMaxMs };
}

interface CostRow {
  label: string;
  first: number;
  p50: number;
  ratio: number;
  codes: string;
}

/** Step 2: each feature at first 10 and 100, in turns with the yardstick (plain, first 10). */
async function costs(base: string, ids: readonly string[], rounds: number, rand: () => number): Promise<CostRow[]> {
  const url = new URL(`${base}/graphql`);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const cases = FEATURES.flatMap((f) => [10, 100].map((first) => ({ ...f, first, query: similarQuery(first, f.args), times: [] as number[], codes: new Set<string>() })));
  const yardstick = cases[0];
  const pick = () => ids[Math.floor(rand() * ids.length)];
  for (let r = 0; r < rounds; r++) {
    for (const c of cases) {
      for (const each of c === yardstick ? [c] : [yardstick, c]) {
        const a = await post(url, agent, JSON.stringify({ query: each.query, variables: { id: pick() } }));
        if (ok(a)) each.times.push(a.ms);
        else each.codes.add(codesOf(a));
      }
    }
  }
  agent.destroy();
  const base50 = p(yardstick.times, 0.5);
  return cases.map((c) => ({ label: c.label, first: c.first, p50: p(c.times, 0.5), ratio: p(c.times, 0.5) / base50, codes: [...c.codes].join("; ") || "–" }));
}

interface OpStats {
  count: number;
  errors: number;
  refused: number;
  times: number[];
  firstError?: string;
}

interface LoadResult {
  seconds: number;
  ops: Map<string, OpStats>;
  rssStart: number;
  rssEnd: number;
}

/** Step 3: the mix, `clients` clients for `seconds`; client 0 is the admin. */
async function drill(server: ServerProcess, built: Built, clients: number, seconds: number, seed: number, heavy: boolean): Promise<LoadResult> {
  const url = new URL(`${server.url}/graphql`);
  const ops = new Map<string, OpStats>();
  const record = (name: string, a: Answer, expectRefusal = false) => {
    let s = ops.get(name);
    if (!s) ops.set(name, (s = { count: 0, errors: 0, refused: 0, times: [] }));
    s.count++;
    s.times.push(a.ms);
    if (ok(a)) return;
    if (expectRefusal && a.text.includes("QUERY_TOO_EXPENSIVE")) s.refused++;
    else {
      s.errors++;
      s.firstError ??= `${a.status} ${a.text.slice(0, 300)}`;
    }
  };
  const { ids } = built;
  const rssStart = server.rss();
  const end = performance.now() + seconds * 1000;
  const client = async (n: number) => {
    const rand = mulberry32(seed * 1000 + n);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const pick = () => ids[Math.floor(rand() * ids.length)];
    let after: string | null = null;
    let sent = 0;
    while (performance.now() < end) {
      sent++;
      if (n === 0) {
        // the admin: a title change now and then
        const id = pick();
        record("updateArtwork (admin)", await post(url, agent, JSON.stringify({ query: UPDATE, variables: { input: { id, artwork: { title: `Retitled ${sent}` } } } }), { authorization: `Bearer ${built.adminKey}` }));
        await new Promise((r) => setTimeout(r, 200));
        continue;
      }
      const r = rand();
      if (heavy && n === 1 && sent % 50 === 0) {
        record("hostage batch (#14 item 4)", await post(url, agent, hostageBatch([pick(), pick(), pick()])), true);
      } else if (r < 0.3) {
        const a: Answer = await post(url, agent, JSON.stringify({ query: CATALOGUE_PAGE, variables: { after } }));
        record("artworks page (20)", a);
        after = ok(a) ? ((JSON.parse(a.text) as { data: { artworks: { pageInfo: { endCursor: string | null; hasNextPage: boolean } } } }).data.artworks.pageInfo.hasNextPage ? (JSON.parse(a.text).data.artworks.pageInfo.endCursor as string) : null) : null;
      } else if (r < 0.6) {
        record("similarArtworks (10)", await post(url, agent, JSON.stringify({ query: similarQuery(10, ""), variables: { id: pick() } })));
      } else if (r < 0.75) {
        record("similarArtworks (10, weights)", await post(url, agent, JSON.stringify({ query: similarQuery(10, `weights: ${WEIGHTS}`), variables: { id: pick() } })));
      } else if (r < 0.98 || !heavy) {
        record("recommendations (10, 3 liked)", await post(url, agent, JSON.stringify({ query: RECOMMEND, variables: { positive: [pick(), pick(), pick()] } })));
      } else {
        record("similarArtworks (100, all three features)", await post(url, agent, JSON.stringify({ query: similarQuery(100, FEATURES[4].args), variables: { id: pick() } })), true);
      }
    }
    agent.destroy();
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: clients }, (_, n) => client(n)));
  return { seconds: (performance.now() - t0) / 1000, ops, rssStart, rssEnd: server.rss() };
}

// ---------------------------------------------------------------------------------------------- the run

export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      works: { type: "string", default: "10000" },
      duration: { type: "string", default: "60" },
      clients: { type: "string", default: "16" },
      stores: { type: "string", default: "embedded,postgresql" },
      "database-url": { type: "string", default: process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres" },
      "cost-rounds": { type: "string", default: "15" },
      steps: { type: "string", default: "hostage,hostage-unpriced,costs,load" },
      seed: { type: "string", default: "1" },
      catalogue: { type: "string" },
    },
  });
  const started = performance.now();
  const works = Number(values.works);
  const seed = Number(values.seed);
  const steps = new Set(values.steps.split(","));
  const catalogue = catalogueSample(values.catalogue);
  const tmp = mkdtempSync(path.join(os.tmpdir(), "vitrine-bench-load-"));
  const corpusFile = path.join(tmp, "corpus.jsonl");
  await writeCorpus(readSample(catalogue), works, corpusFile, mulberry32(seed));
  const report: string[] = [];
  const out = (line = "") => void report.push(line);
  const load0 = os.loadavg();
  out(`Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? "?"}, ${mb(os.totalmem())} RAM, Node ${process.version}; load average at the start ${load0.map((l) => l.toFixed(1)).join(" / ")} (1/5/15 min).`);
  out(`Command: \`npm run bench -- load ${args.join(" ")}\`; ${works} works from ${path.basename(catalogue)}.`);
  try {
    for (const kind of values.stores.split(",")) {
      log(`building the ${kind} store`);
      const built = await build(kind, tmp, corpusFile, seed, values["database-url"]);
      // first, with the cost limit out of the way (one server at a time: the embedded store is single-process)
      let unpriced: HostageResult | null = null;
      if (steps.has("hostage-unpriced")) {
        log(`${kind}: hostage batch, cost limit raised`);
        const other = await ServerProcess.start(built.dataDir, { ...built.env, VITRINE_MAX_COMPLEXITY: "100000000" });
        try {
          unpriced = await hostage(other.url, built.ids);
        } finally {
          await other.stop();
        }
      }
      const server = await ServerProcess.start(built.dataDir, built.env);
      try {
        out();
        out(`### ${kind === "postgresql" ? "PostgreSQL" : "Embedded default (PGlite)"} (${built.ids.length} works; server ready after ${server.warmSeconds.toFixed(1)} s of row warming)`);
        if (steps.has("hostage")) {
          log(`${kind}: hostage batch`);
          const h = await hostage(server.url, built.ids);
          out();
          out(`Hostage batch (10 operations × 20 aliases of first 100 + diversity + groupByArtist + weights): answered in ${h.seconds.toFixed(2)} s, HTTP ${h.status}, codes ${h.codes}; /health polled ${h.healthCount}× meanwhile: p50 ${ms(h.healthP50)} ms, max ${ms(h.healthMax)} ms; server's longest event-loop delay ${ms(h.loopMaxMs)} ms.`);
        }
        if (unpriced) {
          const h = unpriced;
          out();
          out(`The same batch against a server with VITRINE_MAX_COMPLEXITY=100000000 (what the ranking time budget, VITRINE_RANKING_BUDGET_MS 5000, and MMR's slices do alone): answered in ${h.seconds.toFixed(2)} s, HTTP ${h.status}, codes ${h.codes}; /health polled ${h.healthCount}× meanwhile: p50 ${ms(h.healthP50)} ms, max ${ms(h.healthMax)} ms; server's longest event-loop delay ${ms(h.loopMaxMs)} ms.`);
        }
        if (steps.has("costs")) {
          log(`${kind}: feature costs`);
          const rows = await costs(server.url, built.ids, Number(values["cost-rounds"]), mulberry32(seed + 7));
          out();
          out(`Feature costs (one sequential client, ${values["cost-rounds"]} works each, in turns with plain first 10):`);
          out();
          out("| similarArtworks | first | p50 ms | × plain first 10 | refused with |");
          out("| --- | ---: | ---: | ---: | --- |");
          for (const r of rows) out(`| ${r.label} | ${r.first} | ${ms(r.p50)} | ${r.ratio.toFixed(1)} | ${r.codes} |`);
        }
        for (const step of ["load-plain", "load"].filter((x) => steps.has(x))) {
          const heavy = step === "load";
          log(`${kind}: ${values.clients} clients for ${values.duration} s${heavy ? "" : " (no heavy requests)"}`);
          const l = await drill(server, built, Number(values.clients), Number(values.duration), seed, heavy);
          const total = [...l.ops.values()].reduce((a, s) => a + s.count, 0);
          const errors = [...l.ops.values()].reduce((a, s) => a + s.errors, 0);
          out();
          out(`Drill${heavy ? "" : " without heavy requests (yardstick)"}: ${values.clients} clients, ${l.seconds.toFixed(0)} s, ${total} requests (${(total / l.seconds).toFixed(0)}/s), ${errors} errors; server RSS ${mb(l.rssStart)} at the start, ${mb(l.rssEnd)} at the end (${(((l.rssEnd - l.rssStart) / l.rssStart) * 100).toFixed(1)} %); load average at the end ${os.loadavg().map((x) => x.toFixed(1)).join(" / ")}.`);
          out();
          out("| operation | requests | errors | refused (expected) | p50 ms | p99 ms |");
          out("| --- | ---: | ---: | ---: | ---: | ---: |");
          for (const [name, s] of [...l.ops.entries()].sort()) out(`| ${name} | ${s.count} | ${s.errors} | ${s.refused} | ${ms(p(s.times, 0.5))} | ${ms(p(s.times, 0.99))} |`);
          for (const [name, s] of l.ops) if (s.firstError) log(`first error of ${name}: ${s.firstError}`);
        }
      } finally {
        await server.stop();
        await built.drop();
      }
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  out();
  out(`Whole run ${((performance.now() - started) / 1000).toFixed(0)} s.`);
  process.stdout.write(`${report.join("\n")}\n`);
}
