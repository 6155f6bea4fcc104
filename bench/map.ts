/**
 * The embedding map: (1) server side, on an existing data folder (e.g. the CMOA sample imported and
 * embedded): time of embeddingMap with PCA (every work) and UMAP (up to 5,000), computed and then
 * cached, and the API's event-loop delay while it is computed (the fits run on a worker thread);
 * (2) the /map page in Chromium with N synthetic points (the API's answer replaced in the browser):
 * time to draw one frame while panning.
 *
 *   VITRINE_DATA_DIR=/tmp/vitrine-cmoa/data VITRINE_DEMO=0 npm run bench -- map [--points 100000]
 */
import "reflect-metadata";
import { existsSync } from "node:fs";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { chromium } from "playwright-core";
import { pino } from "pino";
import { loadConfig } from "../src/config/config.ts";
import { createApp } from "../src/main.ts";

function ms(x: number): string {
  return `${x.toFixed(0)} ms`;
}

/** Runs the map benchmark; `args` as on the command line (after "map"). */
export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { points: { type: "string", default: "100000" } } });
  const n = Number(values.points);
  const app = await createApp(loadConfig({ ...process.env, PORT: "0", HOST: "127.0.0.1", VITRINE_INPROCESS_WORKER: "0" }), { log: pino({ level: "silent" }), onBootstrapKey: () => {} });
  const url = await app.listen();
  await app.rowsWarmed;
  try {
    const works = await app.core.index.count(app.core.indexService.live().collection);
    process.stdout.write(`| call | works | first (computed) | again (cached) | max event-loop delay while computing |\n| --- | --- | --- | --- | --- |\n`);
    for (const [method, limit] of [["PCA", 100_000], ["UMAP", 5_000]] as const) {
      const h = monitorEventLoopDelay({ resolution: 10 });
      h.enable();
      const t0 = performance.now();
      const m = await app.core.maps.map({ method, limit });
      const first = performance.now() - t0;
      h.disable();
      const t1 = performance.now();
      await app.core.maps.map({ method, limit });
      const again = performance.now() - t1;
      process.stdout.write(`| ${method}, limit ${limit} | ${m.points.length} of ${works} | ${ms(first)} | ${ms(again)} | ${ms(h.max / 1e6)} |\n`);
    }

    const exe = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => existsSync(p));
    if (!exe) return void process.stdout.write("no chromium: page timing skipped\n");
    const browser = await chromium.launch({ executablePath: exe, args: ["--no-sandbox"] });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      const keys = ["Fine Arts", "Decorative Arts and Design", "Contemporary Art", "Photography", "Heinz Architectural Center", "Film and Video"];
      let seed = 1;
      const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
      const points = Array.from({ length: n }, (_, i) => ({ artworkId: `p${i}`, x: rnd(), y: rnd(), colorKey: keys[i % keys.length] }));
      const body = JSON.stringify({ data: { embeddingMap: { embeddingVersion: "synthetic", totalCount: n, points, legend: keys.map((key) => ({ key, count: n / keys.length })) } } });
      await page.route("**/graphql", (route) => route.fulfill({ status: 200, contentType: "application/json", body }));
      await page.goto(`${url}/map`);
      await page.waitForFunction((count) => Number(document.getElementById("status")?.dataset.points) === count, n, { timeout: 120_000 });
      // pan for 60 frames and time each frame (rAF to rAF while the view changes every frame)
      const frames = await page.evaluate(async () => {
        const c = document.getElementById("map")!;
        const r = c.getBoundingClientRect();
        const times: number[] = [];
        let last = performance.now();
        for (let i = 0; i < 60; i++) {
          c.dispatchEvent(new MouseEvent("mousedown", { clientX: r.left + 400, clientY: r.top + 300, bubbles: true }));
          c.dispatchEvent(new MouseEvent("mousemove", { clientX: r.left + 400 + (i % 2 ? 3 : -3), clientY: r.top + 300, bubbles: true }));
          window.dispatchEvent(new MouseEvent("mouseup"));
          await new Promise((res) => requestAnimationFrame(() => res(null)));
          const now = performance.now();
          times.push(now - last);
          last = now;
        }
        return times.slice(5).sort((a, b) => a - b);
      });
      const median = frames[Math.floor(frames.length / 2)];
      const p95 = frames[Math.floor(frames.length * 0.95)];
      process.stdout.write(`\n/map page, ${n} points, 1280×800, headless Chromium (software rendering): frame while panning median ${median.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms\n`);
    } finally {
      await browser.close();
    }
  } finally {
    await app.stop();
  }
}
