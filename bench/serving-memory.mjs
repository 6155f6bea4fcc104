// The serving process's memory, part by part, as `vitrine serve` runs: the compiled code in build/ (what
// `npm start` and the Dockerfile run), without the TypeScript loader the benchmarks themselves need
// (it and the typescript package it loads hold ~140 MB that no server has). Run by `npm run bench --
// similarity` (`--rss-of <data dir> --rss-mode parts`) in a process of its own:
//
//   node bench/serving-memory.mjs <data dir> '<env as JSON>'
//
// createApp's `onOpened` reports each part as it opens (catalogue store, vector index, GraphQL schema);
// memory is read after forced GCs each time, then after the row cache has read every work's list rows,
// then once more after the process has had nothing to do for SETTLE_MS (V8 gives back the heap pages the
// warm-up's garbage fragmented only then), then with the image model opened on its own when a model
// file is installed. The image half of the vectors is a stand-in (the benchmark's corpus has no images).
// Prints the readings as one JSON line (PartsMemory in similarity.ts).
import { execFileSync } from "node:child_process";
import "reflect-metadata";
import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import v8 from "node:v8";
import vm from "node:vm";
import { buildIsFresh } from "../scripts/build-state.mjs";

/** How long the last reading waits, idle. */
const SETTLE_MS = 30_000;
export const SETTLED = `settled: the same process after ${SETTLE_MS / 1000} s with nothing to do`;

/** The image encoder the benchmark's vectors were made with: dimension and identity only (it never encodes). */
export const benchImageEncoder = {
  dimension: 768,
  modelId: "bench-random-unit",
  modelSha256: "0".repeat(64),
  encode: () => Promise.reject(new Error("the benchmark has no image model")),
  encodeBatch: () => Promise.reject(new Error("the benchmark has no image model")),
  close: () => Promise.resolve(),
};

async function residentAfterGc() {
  v8.setFlagsFromString("--expose-gc");
  const gc = vm.runInNewContext("gc");
  for (let i = 0; i < 2; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 300));
  }
  return process.memoryUsage();
}

async function main(dataDir, env) {
  if (!buildIsFresh()) throw new Error("build/ is older than the sources: run `npm run build` first (this measures the compiled code).");
  const { loadConfig } = await import("../build/src/config/config.js");
  const { createApp } = await import("../build/src/main.js");
  const { OnnxImageEncoder } = await import("../build/src/adapters/onnx/onnx-image-encoder.js");
  const readings = [{ part: "Node + vitrine's code, compiled (nothing open)", memory: await residentAfterGc() }];
  // as benchConfig (support/corpus.ts): no demo, no in-process worker, silent, a free port
  const config = loadConfig({ VITRINE_DATA_DIR: dataDir, VITRINE_DEMO: "0", VITRINE_INPROCESS_WORKER: "0", PORT: "0", HOST: "127.0.0.1", NODE_ENV: "production", LOG_LEVEL: "silent", VITRINE_ROW_CACHE_WARM: "0", ...env });
  const app = await createApp(config, {
    imageEncoder: benchImageEncoder,
    onBootstrapKey: () => {},
    onOpened: async (part) => {
      if (part !== "image model") readings.push({ part, memory: await residentAfterGc() });
    },
  });
  try {
    if (app.core.rowCache) {
      await app.core.rowCache.warm();
      readings.push({ part: `row cache (every work's list rows, VITRINE_ROW_CACHE_ENTRIES=${config.rowCache.maxEntries})`, memory: await residentAfterGc() });
    }
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    readings.push({ part: SETTLED, memory: await residentAfterGc() });
    const modelPath = existsSync(config.model.path) ? config.model.path : null;
    if (modelPath) {
      const encoder = await OnnxImageEncoder.open(modelPath, { threads: config.model.threads, batchSize: config.model.batchSize });
      // the model runs in a process of its own (until it rests): its RSS counts with the server's
      const memory = await residentAfterGc();
      const children = execFileSync("ps", ["-o", "rss=", "--ppid", String(process.pid)], { encoding: "utf8" });
      const childKb = children.split("\n").reduce((sum, line) => sum + (Number(line.trim()) || 0), 0);
      readings.push({ part: `image model (ONNX session of ${path.basename(modelPath)}, in its own process until it rests)`, memory: { ...memory, rss: memory.rss + childKb * 1024 } });
      await encoder.close();
    }
    const works = await app.core.index.count(app.core.indexService.alias);
    const dimension = app.core.embedder.layout.dimension;
    const folder = path.join(dataDir, "vectors", app.core.indexService.collection);
    const generation = path.join(folder, readFileSync(path.join(folder, "CURRENT"), "utf8").trim());
    process.stdout.write(
      `${JSON.stringify({
        readings,
        works,
        dimension,
        rowBytes: works * dimension * (config.embeddedIndex.precision === "f32" ? 4 : 2),
        rowPrecision: config.embeddedIndex.precision,
        graphFileBytes: statSync(path.join(generation, "hnsw.usearch")).size,
        modelPath,
      })}\n`,
    );
  } finally {
    await app.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await main(process.argv[2], JSON.parse(process.argv[3] ?? "{}"));
}
