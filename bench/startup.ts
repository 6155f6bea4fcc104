/**
 * Start-up: time from spawning the process to the first answered GraphQL query, for
 * `vitrine serve` on the embedded default against the yardstick (a bare Apollo server with one
 * resolver on the same Node, bench/bare-startup-server.mjs), in alternating rounds so both see the
 * same load; and the time `vitrine --help` and `vitrine schema print` take to print.
 *
 *   npm run bench -- startup [--rounds 5] [--modes compiled,sources]
 *
 * - first start: a fresh VITRINE_DATA_DIR (migrations, demo import, bootstrap key), reported once;
 * - second start: the same folder again (the figure #14 asks for: ≤ 3× the yardstick);
 * - modes: `compiled` runs bin/vitrine.js as installed (build/ when it is fresh: `npm run build`),
 *   `sources` runs the TypeScript sources through the loader (what every start did before build/).
 * Each vitrine start logs its phases at debug level ("start-up phases (ms)"); their medians are printed.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { fileURLToPath, pathToFileURL } from "node:url";
import { buildIsFresh } from "../scripts/build-state.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const BIN = path.join(ROOT, "bin/vitrine.js");
const BARE = path.join(ROOT, "bench/bare-startup-server.mjs");
type Mode = "compiled" | "sources";

/**
 * A script that runs the CLI from the TypeScript sources through the loader (bin/vitrine.js before
 * build/ existed). A file, not `node -e`: worker threads inherit node's options, and `--input-type` breaks them.
 */
function sourcesEntry(dir: string): string {
  const file = path.join(dir, "vitrine-from-sources.mjs");
  const entry = pathToFileURL(path.join(ROOT, "src/cli/vitrine.ts")).href;
  writeFileSync(file, `import { register } from "node:module";\nregister("@swc-node/register/esm", ${JSON.stringify(pathToFileURL(BIN).href)});\nconst { main } = await import(${JSON.stringify(entry)});\nawait main(process.argv);\n`);
  return file;
}
let SOURCES_ENTRY = "";

/** node arguments that run the vitrine CLI with `args`, compiled (as installed) or from the TypeScript sources. */
function cli(mode: Mode, args: string[]): string[] {
  return [mode === "compiled" ? BIN : SOURCES_ENTRY, ...args];
}

interface Start {
  /** Spawn to first answered query, ms. */
  readonly firstAnswerMs: number;
  /** Spawn to listening (its log line), ms. */
  readonly listeningMs: number;
  readonly phases: Record<string, number>;
}

/** Spawns a server, waits for the line with its URL, sends `query`, and stops it once answered. */
async function timeStart(args: string[], env: Record<string, string>, query: string, urlOf: (line: Record<string, unknown>) => string | undefined): Promise<Start> {
  const t0 = performance.now();
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...env } });
  let phases: Record<string, number> = {};
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const listening = await new Promise<{ url: string; at: number }>((resolve, reject) => {
    let buffer = "";
    child.stdout.on("data", (chunk: Buffer) => {
      buffer += chunk.toString("utf8");
      for (let i = buffer.indexOf("\n"); i >= 0; i = buffer.indexOf("\n")) {
        const line = buffer.slice(0, i);
        buffer = buffer.slice(i + 1);
        if (!line.startsWith("{")) continue;
        const parsed = JSON.parse(line) as Record<string, unknown>;
        if (parsed.phases) phases = parsed.phases as Record<string, number>;
        const url = urlOf(parsed);
        if (url) resolve({ url, at: performance.now() });
      }
    });
    child.once("exit", (code) => reject(new Error(`the server exited (code ${code}) before listening: ${stderr.slice(-2000)}`)));
  });
  const response = await fetch(listening.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query }) });
  const body = (await response.json()) as { data?: unknown; errors?: unknown };
  const answered = performance.now();
  if (!body.data || body.errors) throw new Error(`the first query failed: ${JSON.stringify(body)}`);
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
  return { firstAnswerMs: answered - t0, listeningMs: listening.at - t0, phases };
}

const vitrineEnv = (dataDir: string) => ({ VITRINE_DATA_DIR: dataDir, PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "debug" });
const vitrineUrl = (line: Record<string, unknown>) => (typeof line.url === "string" && /listening/.test(String(line.msg)) ? line.url : undefined);
const VITRINE_QUERY = "{ artworks(first: 1) { edges { node { id title } } } }";

function vitrineStart(mode: Mode, dataDir: string): Promise<Start> {
  return timeStart(cli(mode, ["serve"]), vitrineEnv(dataDir), VITRINE_QUERY, vitrineUrl);
}

function bareStart(): Promise<Start> {
  return timeStart([BARE], {}, "{ hello }", (line) => (typeof line.url === "string" ? line.url : undefined));
}

/** Wall time of a command that prints and exits, ms. */
function timeCommand(args: string[], env: Record<string, string> = {}): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  if (r.status !== 0) throw new Error(`node ${args.join(" ").slice(0, 80)} failed: ${r.stderr}`);
  return performance.now() - t0;
}

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const secs = (ms: number) => (ms / 1000).toFixed(2);
const spread = (xs: readonly number[]) => `${secs(Math.min(...xs))}–${secs(Math.max(...xs))}`;

export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { rounds: { type: "string", default: "5" }, modes: { type: "string", default: "compiled,sources" } } });
  const rounds = Number(values.rounds);
  const modes = values.modes.split(",") as Mode[];
  if (modes.includes("compiled") && !buildIsFresh()) throw new Error("build/ is missing or older than src/: run `npm run build` first (or --modes sources).");
  const load = () => os.loadavg().map((l) => l.toFixed(1)).join(" / ");
  const out: string[] = [];
  const print = (line: string) => (process.stdout.write(`${line}\n`), out.push(line));
  print(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? "?"}, Node ${process.version}; load average (1/5/15 min) at start ${load()}`);
  print(`command: npm run bench -- startup --rounds ${rounds} --modes ${modes.join(",")}`);
  print("");

  const dirs: string[] = [];
  const fresh = () => (dirs.push(mkdtempSync(path.join(os.tmpdir(), "vitrine-startup-"))), dirs[dirs.length - 1]);
  SOURCES_ENTRY = sourcesEntry(fresh());
  try {
    const firsts = new Map<Mode, Start>();
    const seconds = new Map<Mode, Start[]>(modes.map((m) => [m, []]));
    const bare: Start[] = [];
    const dataDirs = new Map<Mode, string>();
    for (const mode of modes) {
      const dir = fresh();
      dataDirs.set(mode, dir);
      firsts.set(mode, await vitrineStart(mode, dir));
      process.stderr.write(`first start (${mode}, demo import): ${secs(firsts.get(mode)!.firstAnswerMs)} s\n`);
    }
    for (let r = 0; r < rounds; r++) {
      bare.push(await bareStart());
      for (const mode of modes) seconds.get(mode)!.push(await vitrineStart(mode, dataDirs.get(mode)!));
      process.stderr.write(`round ${r + 1}/${rounds}: bare ${secs(bare[r].firstAnswerMs)} s, ${modes.map((m) => `${m} ${secs(seconds.get(m)![r].firstAnswerMs)} s`).join(", ")}; load ${load()}\n`);
    }
    const bareMedian = median(bare.map((s) => s.firstAnswerMs));
    print(`| spawn → first answered query (median of ${rounds}; spread) | s | ÷ bare Apollo |`);
    print("| --- | --- | --- |");
    print(`| bare Apollo server, one resolver (yardstick) | ${secs(bareMedian)} (${spread(bare.map((s) => s.firstAnswerMs))}) | 1 |`);
    for (const mode of modes) {
      const xs = seconds.get(mode)!.map((s) => s.firstAnswerMs);
      print(`| vitrine serve, second start, ${mode} | ${secs(median(xs))} (${spread(xs)}) | **${(median(xs) / bareMedian).toFixed(2)}** |`);
      print(`| vitrine serve, first start with the demo import, ${mode} (once) | ${secs(firsts.get(mode)!.firstAnswerMs)} | ${(firsts.get(mode)!.firstAnswerMs / bareMedian).toFixed(2)} |`);
    }
    print("");
    print(`| phase (ms, median of the second starts) | ${modes.join(" | ")} |`);
    print(`| --- | ${modes.map(() => "---").join(" | ")} |`);
    const names = [...new Set(modes.flatMap((m) => seconds.get(m)!.flatMap((s) => Object.keys(s.phases))))];
    for (const name of [...names, "listening → first answer"]) {
      const cell = (m: Mode) =>
        Math.round(median(seconds.get(m)!.map((s) => (name === "listening → first answer" ? s.firstAnswerMs - s.listeningMs : (s.phases[name] ?? 0)))));
      print(`| ${name} | ${modes.map(cell).join(" | ")} |`);
    }
    print("");
    const nodeAlone: number[] = [];
    const commands = new Map<string, number[]>();
    for (let r = 0; r < rounds; r++) {
      nodeAlone.push(timeCommand(["-e", "0"]));
      for (const mode of modes) {
        for (const [name, a] of [["--help", ["--help"]], ["schema print", ["schema", "print"]]] as const) {
          const key = `vitrine ${name}, ${mode}`;
          commands.set(key, [...(commands.get(key) ?? []), timeCommand(cli(mode, [...a]), { VITRINE_DATA_DIR: dataDirs.get(mode)! })]);
        }
      }
    }
    print(`| command that opens nothing (median of ${rounds}; spread) | s | ÷ node -e 0 |`);
    print("| --- | --- | --- |");
    print(`| node -e 0 (yardstick) | ${secs(median(nodeAlone))} (${spread(nodeAlone)}) | 1 |`);
    for (const [key, xs] of commands) print(`| ${key} | ${secs(median(xs))} (${spread(xs)}) | ${(median(xs) / median(nodeAlone)).toFixed(1)} |`);
    print("");
    print(`load average at the end: ${load()}`);
  } finally {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}
