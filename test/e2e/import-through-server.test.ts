/**
 * `vitrine import` while `vitrine serve` holds the embedded store: the server records where it listens
 * (VITRINE_DATA_DIR/server.json), and the import sends its rows there with an admin key instead of
 * failing on the locked store: rows created, the bad one rejected with its line (on stdout and in the
 * report), the works visible through the server; no key or a reader's key is refused clearly.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const execFileAsync = promisify(execFile);
const BIN = path.resolve("bin/vitrine.js");

/** Runs the CLI; resolves with its exit code and output (a non-zero exit does not throw). */
async function vitrine(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, [BIN, ...args], { env, maxBuffer: 10 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: err.code ?? -1, stdout: err.stdout ?? "", stderr: err.stderr ?? "" };
  }
}

const row = (n: number, extra: object = {}) => ({ sourceId: `srv-${n}`, title: `Through the server ${n}`, yearStart: 1900 + n, artists: [{ name: "Sam Server" }], ...extra });

describe("vitrine import while the server holds the embedded store", () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let server: ChildProcess;
  let url: string;
  let admin: string;
  let reader: string;
  let catalogue: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "vitrine-import-server-"));
    env = { ...process.env, VITRINE_DATA_DIR: path.join(dir, "data"), VITRINE_DEMO: "0", VITRINE_INPROCESS_WORKER: "0", NODE_ENV: "test", PORT: "0", HOST: "127.0.0.1" };
    delete env.VITRINE_API_KEY;
    delete env.DATABASE_URL;
    admin = (await vitrine(["apikey", "create", "--label", "import test"], env)).stdout.trim();
    reader = (await vitrine(["apikey", "create", "--role", "READER", "--label", "reader"], env)).stdout.trim();
    expect(admin).toMatch(/^vtr_/);
    catalogue = path.join(dir, "works.jsonl");
    // line 3 is bad: its date range ends before it starts
    await writeFile(catalogue, [row(1), row(2), row(3, { yearEnd: 1800 }), row(4)].map((r) => JSON.stringify(r)).join("\n") + "\n");
    server = spawn(process.execPath, [BIN, "serve"], { env, stdio: ["ignore", "ignore", "inherit"] });
    const record = path.join(dir, "data", "server.json");
    for (let waited = 0; !existsSync(record); waited += 200) {
      if (waited > 240_000 || server.exitCode !== null) throw new Error("the server did not start");
      await new Promise((r) => setTimeout(r, 200));
    }
    url = JSON.parse(await readFile(record, "utf8")).url;
  }, 300_000);

  afterAll(async () => {
    if (server && server.exitCode === null) {
      const exited = new Promise((r) => server.once("exit", r));
      server.kill("SIGTERM");
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  }, 60_000);

  it("should refuse clearly without a key, and with a key that is not an admin's", async () => {
    const none = await vitrine(["import", catalogue], env);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/holds the embedded store.*--key or VITRINE_API_KEY/s);
    const weak = await vitrine(["import", catalogue, "--key", reader], env);
    expect(weak.code).toBe(1);
    expect(weak.stderr).toMatch(/not an admin key/);
  }, 120_000);

  it("should send the rows through the server: created, the bad row rejected with its line, the report written", async () => {
    const report = path.join(dir, "rejected.jsonl");
    const r = await vitrine(["import", catalogue, "--report", report], { ...env, VITRINE_API_KEY: admin });
    expect(r.stdout).toContain("created 3, updated 0, unchanged 0, rejected 1");
    expect(r.stdout).toMatch(/line 3: BAD_USER_INPUT \(yearEnd\)/);
    expect(r.code).toBe(2);
    const rejected = (await readFile(report, "utf8")).trim().split("\n").map((l) => JSON.parse(l));
    expect(rejected).toHaveLength(1);
    expect(rejected[0]).toMatchObject({ line: 3, code: "BAD_USER_INPUT", field: "yearEnd", row: { sourceId: "srv-3" } });

    const answer = await fetch(`${url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "{ artworks(first: 10) { totalCount edges { node { title } } } }" }),
    });
    const { data } = (await answer.json()) as { data: { artworks: { totalCount: number; edges: { node: { title: string } }[] } } };
    expect(data.artworks.totalCount).toBe(3);
    expect(data.artworks.edges.map((e) => e.node.title).sort()).toEqual(["Through the server 1", "Through the server 2", "Through the server 4"]);

    // again: the same rows are unchanged (the server's outcome per row), the bad one still rejected
    const again = await vitrine(["import", catalogue, "--key", admin], env);
    expect(again.stdout).toContain("created 0, updated 0, unchanged 3, rejected 1");
  }, 180_000);

  it("should import rows with keys the format does not define, as a local import does, and refuse a local image file", async () => {
    const file = path.join(dir, "extra.jsonl");
    const rows = [
      row(10, { objectType: "museum-specific column", artists: [{ name: "Sam Server", ulanId: 500 }], dimensionsInches: { height: 10, unit: "in" }, provenance: [{ text: "Gift, 1990", lot: 7 }] }),
      row(11, { imagePath: "srv-11.jpg" }),
    ];
    await writeFile(file, rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
    const r = await vitrine(["import", file, "--key", admin], env);
    expect(r.stdout).toContain("created 1, updated 0, unchanged 0, rejected 1");
    expect(r.stdout).toMatch(/line 2: BAD_USER_INPUT \(imagePath\): .*cannot read.*--images/);
    const answer = await fetch(`${url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: `{ artworks(first: 1, filter: { text: "server 10" }) { edges { node { title dimensions { heightCm } artists { name } provenance { text } } } } }` }),
    });
    const { data } = (await answer.json()) as { data: { artworks: { edges: { node: unknown }[] } } };
    expect(data.artworks.edges[0].node).toEqual({ title: "Through the server 10", dimensions: { heightCm: 25.4 }, artists: [{ name: "Sam Server" }], provenance: [{ text: "Gift, 1990" }] });
  }, 180_000);

  it("should forget where it listened once stopped", async () => {
    const exited = new Promise((r) => server.once("exit", r));
    server.kill("SIGTERM");
    await exited;
    expect(existsSync(path.join(dir, "data", "server.json"))).toBe(false);
  }, 60_000);
});
