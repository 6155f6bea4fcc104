/**
 * `vitrine model generate|fetch|embed|prepare`: the ViTMAE image model.
 *
 * - generate: a ViTMAE-shaped ONNX file with seeded random weights (tests, benchmarks).
 * - fetch: install facebook/vit-mae-base (or `--repo`) from the Hugging Face Hub or a folder, with no
 *   Python (model-hub.ts); or download a ready ONNX export (`--url`) and check it.
 * - embed: print the embeddings of image files from the installed model.
 * - prepare: remove the random masking from a torch export (any export keeps it, even with mask_ratio=0.0).
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

/** `model fetch --url`: downloads a ready ONNX export, then checks it (197 tokens, identical runs). */
async function fetchUrl(url: string, out: string, sha256: string | undefined): Promise<void> {
  const { fetchModel } = await import("../../model/model-fetcher.ts");
  const result = await fetchModel({ url, out, sha256 });
  log(`saved ${result.path} (${(result.bytes / 1e6).toFixed(1)} MB, sha256 ${result.sha256})${result.resumedFrom > 0 ? `, resumed from ${result.resumedFrom} bytes` : ""}`);
  for (const note of result.notes) log(`note: ${note}`);
  const { checkVitMae } = await import("../../model/vitmae-check.ts");
  const check = await checkVitMae(result.path);
  if (check.ok) {
    log(`check: "last_hidden_state" has ${check.tokens} tokens of width ${check.hidden}, identical on two runs: ready for the encoder.`);
    return;
  }
  log(
    `check: "last_hidden_state" has ${check.tokens} tokens${check.deterministic ? "" : " and changes from run to run"}: the export kept ViTMAE's random masking ` +
      `(a torch export keeps it even with mask_ratio=0.0, shuffling all patches). Run \`vitrine model prepare ${result.path} <out.onnx>\` and use its output, ` +
      `or install the published weights with \`vitrine model fetch\` (no --url).`,
  );
  process.exitCode = 1;
}

/** Registers `vitrine model generate`, `fetch`, `embed` and `prepare` on `program`. */
export function registerModelCommands(program: Command, getConfig: () => Config): void {
  const model = program.command("model").description("Install, check, prepare or generate the ViTMAE image model");

  model
    .command("generate")
    .description("Write a ViTMAE-architecture ONNX model with seeded random weights (for tests and benchmarks)")
    .requiredOption("--size <size>", "tiny (hidden 32, 2 layers) or base (hidden 768, 12 layers, ~340 MB)")
    .option("--seed <n>", "PRNG seed of the weights", integer, 0)
    .option("--masking", "keep ViTMAE's random masking in the graph, as an export with mask_ratio 0.75 does", false)
    .option("--shuffle", "keep the masking of an export with mask_ratio 0.0: all patches, in a random order on every run", false)
    .requiredOption("--out <file>", "where to write the .onnx file")
    .option("--if-missing", "do nothing when the file already exists", false)
    .action(async (opts: { size: string; seed: number; masking: boolean; shuffle: boolean; out: string; ifMissing: boolean }) => {
      if (opts.size !== "tiny" && opts.size !== "base") throw new InvalidArgumentError(`--size must be tiny or base; got "${opts.size}".`);
      if (opts.ifMissing && existsSync(opts.out)) {
        log(`${opts.out} exists; not regenerated (--if-missing).`);
        return;
      }
      const { generateVitMae } = await import("../../model/vitmae-generator.ts");
      const started = performance.now();
      const bytes = generateVitMae({ size: opts.size, seed: opts.seed, masking: opts.shuffle ? "shuffle" : opts.masking });
      await writeAtomic(opts.out, bytes);
      log(`wrote ${opts.out}: ViTMAE-${opts.size}, seed ${opts.seed}${opts.shuffle ? ", mask_ratio 0.0 shuffle kept" : opts.masking ? ", masking kept" : ""}, ${(bytes.length / 1e6).toFixed(1)} MB in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    });

  model
    .command("fetch")
    .description(
      "Install the ViTMAE image model: by default facebook/vit-mae-base from the Hugging Face Hub (HF_ENDPOINT), built into a mask-free ONNX encoder with no Python; " +
        "or an ONNX export from --url",
    )
    .option("--repo <id>", "Hub repository of a ViTMAE checkpoint (config.json, preprocessor_config.json, model.safetensors)", "facebook/vit-mae-base")
    .option("--revision <rev>", "branch, tag or commit of the repository; the commit it resolves to is recorded in the manifest", "main")
    .option("--from <dir>", "read config.json, preprocessor_config.json and model.safetensors from this folder instead of the Hub")
    .option("--url <url>", "download a ready ONNX export instead (run `vitrine model prepare` on any torch export first)")
    .option("--sha256 <hex>", "expected SHA-256 of model.safetensors (or of the --url file)")
    .option("--external-data", "write the weights to a .data file beside the model (automatic above 512 MB: vit-mae-large and -huge)", false)
    .option("--out <file>", "destination (default: VITRINE_MODEL_PATH, i.e. <models folder>/vit-mae-base.onnx)")
    .option("--quantize <precision>", "also write a dynamically quantized model beside it (int8: <name>.int8.onnx; use it with VITRINE_MODEL_PATH)")
    .action(async (opts: { repo: string; revision: string; from?: string; url?: string; sha256?: string; externalData: boolean; out?: string; quantize?: string }) => {
      if (opts.quantize !== undefined && opts.quantize !== "int8") throw new InvalidArgumentError(`--quantize takes int8; got "${opts.quantize}".`);
      const config = getConfig();
      const out = opts.out ?? config.model.path;
      if (opts.url) {
        if (opts.quantize) throw new InvalidArgumentError("--quantize works with a model installed from the Hub or --from, not with --url.");
        if (opts.from) throw new InvalidArgumentError("--url and --from cannot be used together.");
        await fetchUrl(opts.url, out, opts.sha256);
        return;
      }
      const { installHubModel } = await import("../../model/model-hub.ts");
      try {
        const { manifest, modelPath, manifestPath, int8 } = await installHubModel({
          out,
          endpoint: config.model.hubEndpoint,
          repo: opts.repo,
          revision: opts.revision,
          from: opts.from,
          sha256: opts.sha256 ? { "model.safetensors": opts.sha256 } : undefined,
          externalData: opts.externalData ? true : "auto",
          quantize: opts.quantize === "int8" ? "int8" : undefined,
          log,
        });
        const from = manifest.source === "dir" ? manifest.origin : `${manifest.repo}@${manifest.revision ?? manifest.requestedRevision} (${manifest.origin})`;
        log(`installed ${modelPath} from ${from}: sha256 ${manifest.model.sha256}; manifest ${manifestPath}`);
        if (int8) log(`installed ${int8.modelPath} (int8, sha256 ${int8.manifest.model.sha256}); to use it: VITRINE_MODEL_PATH=${int8.modelPath} (fp32 stays the default, see BENCHMARKS.md)`);
      } catch (e) {
        log(`model fetch: ${e instanceof Error ? e.message : String(e)}`);
        log(`The installed model (${out}) was not changed.`);
        process.exitCode = 1;
      }
    });

  model
    .command("embed")
    .description("Print each image's embedding from the installed model, one line per file (what to run to check a model)")
    .argument("<files...>", "image files (JPEG, PNG, WebP, ...)")
    .option("--json", "one JSON object per line: file, vector, model checksum and the preprocessing used", false)
    .option("--model <file>", "model file (default: VITRINE_MODEL_PATH)")
    .action(async (files: string[], opts: { json: boolean; model?: string }) => {
      const config = getConfig();
      const { embedImages } = await import("../../model/model-embed.ts");
      const modelPath = opts.model ?? config.model.path;
      const { results, modelSha256, preprocessing } = await embedImages(modelPath, files, {
        threads: config.model.threads,
        batchSize: config.model.batchSize,
        maxBytes: config.images.maxBytes,
        maxPixels: config.images.maxPixels,
      });
      for (const r of results) {
        if ("error" in r) {
          if (opts.json) process.stdout.write(`${JSON.stringify({ file: r.file, error: r.error })}\n`);
          log(`${r.file}: ${r.error}`);
        } else if (opts.json) {
          process.stdout.write(`${JSON.stringify({ file: r.file, dimension: r.vector.length, vector: Array.from(r.vector), modelSha256, preprocessing })}\n`);
        } else {
          process.stdout.write(`${r.file}\t${Array.from(r.vector).join(" ")}\n`);
        }
      }
      const failed = results.filter((r) => "error" in r).length;
      if (failed > 0) {
        log(`${failed} of ${results.length} file${results.length === 1 ? "" : "s"} could not be embedded.`);
        process.exitCode = 1;
      }
    });

  model
    .command("prepare")
    .description("Remove the random masking from a torch/Optimum ViTMAE export: run it after any export, even one made with mask_ratio=0.0")
    .argument("<in>", "the export (it keeps the masking: 50 random tokens, or all 197 shuffled with mask_ratio=0.0)")
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
