/**
 * The compiled CLI (scripts/build.mjs, what bin/vitrine.js runs after `npm run build`) works without the
 * TypeScript loader: `--help` lists the commands, and `schema print` prints the committed schema, so
 * decorators and their type metadata survived compilation. Built into a folder under .tmp/ (inside
 * the repository, so node_modules resolves) so that build/, used by other processes, is left alone.
 */
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);

describe("the compiled CLI", () => {
  let out: string;
  /** Runs the compiled CLI's main with `args` in a plain Node (no loader registered). */
  const compiled = (args: string[]) => run(process.execPath, [path.join(out, "run.mjs"), ...args], { maxBuffer: 10 * 1024 * 1024, env: { ...process.env, VITRINE_DATA_DIR: path.join(out, "data") } });

  beforeAll(async () => {
    await mkdir(".tmp", { recursive: true });
    out = await mkdtemp(path.resolve(".tmp/build-"));
    await run(process.execPath, ["scripts/build.mjs", "--quiet", "--out", out], { maxBuffer: 10 * 1024 * 1024 });
    const cli = pathToFileURL(path.join(out, "src/cli/vitrine.js")).href;
    await writeFile(path.join(out, "run.mjs"), `const { main } = await import(${JSON.stringify(cli)});\nawait main(process.argv);\n`);
  }, 600_000);
  afterAll(() => rm(out, { recursive: true, force: true }));

  it("should print the help with every command", async () => {
    const { stdout } = await compiled(["--help"]);
    for (const command of ["serve", "import", "apikey", "worker", "model", "export", "bench", "eval", "schema"]) expect(stdout).toMatch(new RegExp(`^  ${command}\\b`, "m"));
  }, 120_000);

  it("should print the committed schema (decorator metadata kept)", async () => {
    const { stdout } = await compiled(["schema", "print"]);
    expect(stdout).toBe(await readFile("schema.graphql", "utf8"));
  }, 120_000);
});
