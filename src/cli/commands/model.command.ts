/**
 * `vitrine model generate|fetch|prepare`: the ViTMAE image model.
 *
 * - generate: a ViTMAE-shaped ONNX file with seeded random weights (tests, benchmarks).
 * - fetch: download an export (progress, resume, checksum) into the models folder, then check it.
 * - prepare: remove the random masking from an export that kept it.
 *
 * The heavy modules (onnxruntime, undici) are imported inside the actions, so `model generate`
 * (run by `npm test`'s pretest) starts fast.
 */
import { existsSync } from "node:fs";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { InvalidArgumentError, type Command } from "commander";
import type { Config } from "../../config/config.ts";

/** Writes `bytes` to a temporary file next to `file`, then renames it: readers never see half a file. */
async function writeAtomic(file: string, bytes: Uint8Array): Promise<void> {
  await mkdir(path.dirname(path.resolve(file)), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  try {
    await writeFile(tmp, bytes);
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

function integer(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new InvalidArgumentError("expected an integer from 0 to 4294967295");
  return n;
}

const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

/** Registers `vitrine model generate`, `vitrine model fetch` and `vitrine model prepare` on `program`. */
export function registerModelCommands(program: Command, getConfig: () => Config): void {
  const model = program.command("model").description("Generate, fetch or prepare the ViTMAE image model");

  model
    .command("generate")
    .description("Write a ViTMAE-architecture ONNX model with seeded random weights (for tests and benchmarks)")
    .requiredOption("--size <size>", "tiny (hidden 32, 2 layers) or base (hidden 768, 12 layers, ~340 MB)")
    .option("--seed <n>", "PRNG seed of the weights", integer, 0)
    .option("--masking", "keep ViTMAE's random masking in the graph, as an export with mask_ratio 0.75 does", false)
    .requiredOption("--out <file>", "where to write the .onnx file")
    .option("--if-missing", "do nothing when the file already exists", false)
    .action(async (opts: { size: string; seed: number; masking: boolean; out: string; ifMissing: boolean }) => {
      if (opts.size !== "tiny" && opts.size !== "base") throw new InvalidArgumentError(`--size must be tiny or base; got "${opts.size}".`);
      if (opts.ifMissing && existsSync(opts.out)) {
        log(`${opts.out} exists; not regenerated (--if-missing).`);
        return;
      }
      const { generateVitMae } = await import("../../model/vitmae-generator.ts");
      const started = performance.now();
      const bytes = generateVitMae({ size: opts.size, seed: opts.seed, masking: opts.masking });
      await writeAtomic(opts.out, bytes);
      log(`wrote ${opts.out}: ViTMAE-${opts.size}, seed ${opts.seed}${opts.masking ? ", masking kept" : ""}, ${(bytes.length / 1e6).toFixed(1)} MB in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    });

  model
    .command("fetch")
    .description("Download a ViTMAE ONNX export (resumable, checksum-checked) and check that it returns 197 tokens")
    .requiredOption(
      "--url <url>",
      "URL of the ONNX export. No default: export facebook/vit-mae-base with mask_ratio=0.0 (see README) and host the file",
    )
    .option("--sha256 <hex>", "expected SHA-256 of the file")
    .option("--out <file>", "destination (default: VITRINE_MODEL_PATH, i.e. <models folder>/vit-mae-base.onnx)")
    .action(async (opts: { url: string; sha256?: string; out?: string }) => {
      const config = getConfig();
      const out = opts.out ?? config.model.path;
      const { fetchModel } = await import("../../model/model-fetcher.ts");
      const result = await fetchModel({ url: opts.url, out, sha256: opts.sha256 });
      log(`saved ${result.path} (${(result.bytes / 1e6).toFixed(1)} MB, sha256 ${result.sha256})${result.resumedFrom > 0 ? `, resumed from ${result.resumedFrom} bytes` : ""}`);
      for (const note of result.notes) log(`note: ${note}`);
      const { checkVitMae } = await import("../../model/vitmae-check.ts");
      const check = await checkVitMae(result.path);
      if (check.ok) {
        log(`check: "last_hidden_state" has ${check.tokens} tokens of width ${check.hidden}, identical on two runs: ready for the encoder.`);
      } else {
        log(
          `check: "last_hidden_state" has ${check.tokens} tokens${check.deterministic ? "" : " and changes from run to run"}: the export kept ViTMAE's random masking. ` +
            `Run \`vitrine model prepare ${result.path} <out.onnx>\`, or re-export with mask_ratio=0.0.`,
        );
        process.exitCode = 1;
      }
    });

  model
    .command("prepare")
    .description("Remove the random masking from a ViTMAE export (50 random tokens → 197 deterministic tokens)")
    .argument("<in>", "the export that keeps the masking")
    .argument("<out>", "where to write the prepared model")
    .action(async (input: string, out: string) => {
      const { prepareVitMae, ModelAlreadyCleanError } = await import("../../model/vitmae-prepare.ts");
      try {
        const prepared = await prepareVitMae(await readFile(input));
        for (const line of prepared.report) log(line);
        await writeAtomic(out, prepared.bytes);
        log(`wrote ${out}`);
      } catch (e) {
        if (e instanceof ModelAlreadyCleanError) {
          log(`${input}: ${e.message} Nothing written.`);
          return;
        }
        throw e;
      }
    });
}
