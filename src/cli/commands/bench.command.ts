/** `vitrine bench <name> [options]` (what `npm run bench -- <name>` runs): the benchmarks in bench/<name>.ts. */
import { readdirSync, realpathSync } from "node:fs";
import { register } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { Command } from "commander";

// the real folder (from build/, ../../../bench is a symlink; the benchmarks' own imports are relative to the real one)
const BENCH_DIR = realBenchDir(path.resolve(path.dirname(new URL(import.meta.url).pathname), "../../../bench"));

function realBenchDir(dir: string): string {
  try {
    return realpathSync(dir);
  } catch {
    return dir;
  }
}

export function registerBenchCommand(program: Command): void {
  program
    .command("bench <name>")
    .description(`Run a benchmark from bench/ (${available().join(", ")}); results are printed as markdown for BENCHMARKS.md`)
    .allowUnknownOption(true)
    .argument("[options...]", "options of that benchmark")
    .action(async (name: string, options: string[]) => {
      if (!available().includes(name)) throw new Error(`No benchmark named "${name}"; there are: ${available().join(", ")}.`);
      // benchmarks stay TypeScript: from the compiled CLI (this file is .js), load them through the loader
      if (import.meta.url.endsWith(".js")) register("@swc-node/register/esm", import.meta.url);
      const mod = (await import(pathToFileURL(path.join(BENCH_DIR, `${name}.ts`)).href)) as { run(args: string[]): Promise<void> };
      await mod.run(options);
    });
}

function available(): string[] {
  try {
    return readdirSync(BENCH_DIR).filter((f) => f.endsWith(".ts")).map((f) => f.slice(0, -3)).sort();
  } catch {
    return [];
  }
}
