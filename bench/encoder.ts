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
 *
 * With `--int8`, fp32 against the int8 graph of src/model/vitmae-quantize.ts instead (written beside
 * the model as `<name>.int8.onnx` on first use): the model alone on the same prepared tensors, fp32
 * and int8 measured alternately (best of `--repeat`, so both see the same load), then the cosine of
 * each image's int8 embedding to its fp32 embedding over `--images` distinct photo-like JPEGs.
 *
 *   npm run bench -- encoder --int8 [--images 32] [--repeat 3] [--threads 1,2] [--batches 8]
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { OnnxImageEncoder } from "../src/adapters/onnx/onnx-image-encoder.ts";
import { IMAGE_TENSOR_LENGTH, SharpImagePreprocessor, type Resampler } from "../src/adapters/sharp/sharp-image-preprocessor.ts";
import { photoLikeRgb, toJpeg } from "../test/support/images.ts";
import { cosine } from "../src/encoding/normalise.ts";

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
      int8: { type: "boolean", default: false },
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
  if (values.int8) {
    const explicit = (name: string): boolean => args.some((a) => a === `--${name}` || a.startsWith(`--${name}=`));
    await compareInt8(modelPath, {
      total,
      repeat: explicit("repeat") ? repeat : 3,
      threads: (explicit("threads") ? values.threads : "1,2").split(",").map(Number),
      batches: (explicit("batches") ? values.batches : "8").split(",").map(Number),
    });
    return;
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


/** fp32 against int8 on the same model and images: throughput of the model alone, and embedding cosines. */
async function compareInt8(modelPath: string, o: { total: number; repeat: number; threads: number[]; batches: number[] }): Promise<void> {
  const int8Path = modelPath.replace(/\.onnx$/i, "") + ".int8.onnx";
  if (!existsSync(int8Path)) {
    console.error(`quantizing ${path.basename(modelPath)} → ${path.basename(int8Path)} ...`);
    const { quantizeDynamicInt8 } = await import("../src/model/vitmae-quantize.ts");
    const { bytes, report } = await quantizeDynamicInt8(readFileSync(modelPath));
    for (const line of report) console.error(`  ${line}`);
    writeFileSync(int8Path, bytes);
  }
  const pre = new SharpImagePreprocessor(LIMITS);
  const jpegs: Uint8Array[] = [];
  for (let i = 0; i < o.total; i++) jpegs.push(await toJpeg(photoLikeRgb(1024, 768, 200 + i), 90));
  console.error(`load before: ${os.loadavg().map((l) => l.toFixed(2)).join(" ")} (1/5/15 min) on ${os.availableParallelism()} CPUs`);

  const rows: string[] = [];
  for (const threads of o.threads) {
    for (const batch of o.batches) {
      const fp32 = await OnnxImageEncoder.open(modelPath, { threads, batchSize: batch });
      const int8 = await OnnxImageEncoder.open(int8Path, { threads, batchSize: batch });
      try {
        const pixels = new Float32Array(batch * IMAGE_TENSOR_LENGTH);
        for (let i = 0; i < batch; i++) await pre.preprocess(jpegs[i % jpegs.length], pixels, i * IMAGE_TENSOR_LENGTH);
        const runs = Math.ceil(o.total / batch);
        const best = { fp32: 0, int8: 0 };
        await fp32.encodeTensor(pixels.slice(), batch); // warm-up
        await int8.encodeTensor(pixels.slice(), batch);
        for (let a = 0; a < o.repeat; a++) {
          for (const [name, encoder] of [["fp32", fp32], ["int8", int8]] as const) {
            const copies = Array.from({ length: runs }, () => pixels.slice()); // moved to the model's thread: one per run
            const ips = await imagesPerSecond(runs * batch, 1, async () => {
              for (const copy of copies) await encoder.encodeTensor(copy, batch);
            });
            best[name] = Math.max(best[name], ips);
            console.error(`  threads ${threads}, batch ${batch}, attempt ${a + 1}: ${name} ${ips.toFixed(2)} img/s`);
          }
        }
        const cosines: number[] = [];
        if (threads === o.threads[0] && batch === o.batches[0]) {
          const [a, b] = await Promise.all([fp32.encodeBatch(jpegs), int8.encodeBatch(jpegs)]);
          for (let i = 0; i < a.length; i++) cosines.push(cosine(a[i], b[i]));
        }
        const mean = cosines.reduce((s, c) => s + c, 0) / Math.max(1, cosines.length);
        const cos = cosines.length ? `${mean.toFixed(4)} | ${Math.min(...cosines).toFixed(4)}` : "– | –";
        const row = `| ${threads} | ${batch} | ${best.fp32.toFixed(2)} | ${best.int8.toFixed(2)} | ${(best.int8 / best.fp32).toFixed(2)}× | ${cos} |`;
        console.error(row);
        rows.push(row);
      } finally {
        await fp32.close();
        await int8.close();
      }
    }
  }
  console.error(`load after: ${os.loadavg().map((l) => l.toFixed(2)).join(" ")} (1/5/15 min)`);
  console.log(`| threads | batch | fp32, model only (img/s) | int8, model only (img/s) | int8 / fp32 | cosine int8↔fp32, mean of ${o.total} images | min |`);
  console.log("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
  for (const row of rows) console.log(row);
}

if (process.argv[1] && import.meta.filename === path.resolve(process.argv[1])) await run(process.argv.slice(2));
