/**
 * Image encoder throughput: the model alone (session.run + pooling on prepared tensors) against the
 * whole pipeline (JPEG 1024×768 → checks → decode → 224×224 → normalise → run → pool), for batch
 * sizes 1/4/8 and 1/2 onnxruntime threads, on a random-weight ViTMAE-base (same graph and cost as
 * facebook/vit-mae-base). Prints a markdown table; the target is pipeline ≥ 0.9 × model alone.
 *
 *   npm run bench -- encoder [--images 32] [--repeat 2] [--threads 1,2] [--batches 1,4,8] [--spinning on,off]
 *                            [--model models/vit-mae-base-random.onnx]
 *   node --import @swc-node/register/esm-register bench/encoder.ts [same options]
 *
 * The model (~340 MB) is generated on first use and not committed.
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { OnnxImageEncoder } from "../src/adapters/onnx/onnx-image-encoder.ts";
import { IMAGE_TENSOR_LENGTH, SharpImagePreprocessor, type Resampler } from "../src/adapters/sharp/sharp-image-preprocessor.ts";
import { photoLikeRgb, toJpeg } from "../test/support/images.ts";

const LIMITS = { maxBytes: 20 * 1024 * 1024, maxPixels: 50_000_000 };

/** Best of `repeat` timings, in images per second (the machine may be shared: take the least disturbed run). */
async function imagesPerSecond(count: number, repeat: number, work: (attempt: number) => Promise<unknown>): Promise<number> {
  let best = 0;
  for (let a = 0; a < repeat; a++) {
    const t0 = performance.now();
    await work(a);
    best = Math.max(best, count / ((performance.now() - t0) / 1000));
  }
  return best;
}

/** Runs the encoder benchmark; `args` as on the command line (after "encoder"). */
export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      images: { type: "string", default: "32" },
      model: { type: "string", default: path.resolve("models/vit-mae-base-random.onnx") },
      threads: { type: "string", default: "1,2" },
      batches: { type: "string", default: "1,4,8" },
      spinning: { type: "string", default: "on,off" },
      repeat: { type: "string", default: "2" },
    },
  });
  const total = Number(values.images);
  const repeat = Number(values.repeat);
  const modelPath = path.resolve(values.model);
  if (!existsSync(modelPath)) {
    console.error(`generating ${modelPath} (random weights, ViTMAE-base shape) ...`);
    mkdirSync(path.dirname(modelPath), { recursive: true });
    const { generateVitMae } = await import("../src/model/vitmae-generator.ts");
    writeFileSync(modelPath, generateVitMae({ size: "base", seed: 1 }));
  }
  const jpegs: Uint8Array[] = [];
  for (let i = 0; i < 16; i++) jpegs.push(await toJpeg(photoLikeRgb(1024, 768, 100 + i), 90));
  const inputs = Array.from({ length: total }, (_, i) => jpegs[i % jpegs.length]);
  console.error(`${total} images per measurement, best of ${repeat}; JPEG 1024×768 ~${Math.round(jpegs[0].length / 1024)} KB`);

  const rows: string[] = [];
  for (const threads of values.threads.split(",").map(Number)) {
    for (const batch of values.batches.split(",").map(Number)) {
      for (const spinning of values.spinning.split(",").map((v) => v === "on")) {
        const results: Record<string, number> = {};
        for (const resampler of ["pillow", "sharp"] as Resampler[]) {
          const encoder = await OnnxImageEncoder.open(modelPath, {
            threads,
            batchSize: batch,
            spinning,
            preprocessor: new SharpImagePreprocessor({ ...LIMITS, resampler }),
          });
          try {
            if (resampler === "pillow") {
              const pixels = new Float32Array(batch * IMAGE_TENSOR_LENGTH);
              const pre = new SharpImagePreprocessor(LIMITS);
              for (let i = 0; i < batch; i++) await pre.preprocess(jpegs[i % jpegs.length], pixels, i * IMAGE_TENSOR_LENGTH);
              const runs = Math.ceil(total / batch);
              // encodeTensor moves its input to the model's thread: one copy per run, made before timing.
              const copies = Array.from({ length: runs * repeat + 1 }, () => pixels.slice());
              await encoder.encodeTensor(copies[runs * repeat], batch); // warm-up
              results.raw = await imagesPerSecond(runs * batch, repeat, async (attempt) => {
                for (let r = 0; r < runs; r++) await encoder.encodeTensor(copies[attempt * runs + r], batch);
              });
            }
            await encoder.encodeBatch(inputs.slice(0, batch)); // warm-up
            results[resampler] = await imagesPerSecond(total, repeat, () => encoder.encodeBatch(inputs));
          } finally {
            await encoder.close();
          }
        }
        const row = `| ${threads} | ${batch} | ${spinning ? "on" : "off"} | ${results.raw.toFixed(2)} | ${results.pillow.toFixed(2)} | ${(results.pillow / results.raw).toFixed(2)} | ${results.sharp.toFixed(2)} | ${(results.sharp / results.raw).toFixed(2)} |`;
        console.error(row);
        rows.push(row);
      }
    }
  }
  console.log("| threads | batch | spinning | model only (img/s) | pipeline, Pillow-exact resize (img/s) | ratio | pipeline, sharp linear resize (img/s) | ratio |");
  console.log("| ---: | ---: | :---: | ---: | ---: | ---: | ---: | ---: |");
  for (const row of rows) console.log(row);
}

if (process.argv[1] && import.meta.filename === path.resolve(process.argv[1])) await run(process.argv.slice(2));
