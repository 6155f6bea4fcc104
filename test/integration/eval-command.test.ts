/**
 * `vitrine eval` as a user runs it: import the demo catalogue into a fresh data folder, then
 * `eval --embed --out DIR`; the report is written as Markdown, JSON and the map plot (SVG and PNG).
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const BIN = path.resolve("bin/vitrine.js");
const DEMO = path.resolve("data/demo/catalogue.jsonl");

describe("vitrine eval", () => {
  let dir: string;
  let out: string;
  let stdout: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "vitrine-eval-"));
    out = path.join(dir, "report");
    const env = { ...process.env, VITRINE_DATA_DIR: path.join(dir, "data"), VITRINE_DEMO: "0", NODE_ENV: "test" };
    await run("node", [BIN, "import", DEMO, "--source", "demo"], { env });
    ({ stdout } = await run("node", [BIN, "eval", "--embed", "--out", out, "--seed", "7"], { env, maxBuffer: 10 * 1024 * 1024 }));
  }, 300_000);
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("should write the report as JSON with every variant and the fair figures", async () => {
    const report = JSON.parse(await readFile(path.join(out, "quality.json"), "utf8"));
    expect(report.seed).toBe(7);
    expect(report.works).toBeGreaterThan(900);
    expect(report.variants.map((v: { name: string }) => v.name)).toContain("random");
    expect(report.fair.map((f: { target: string; variant: string }) => `${f.target}:${f.variant}`)).toEqual([
      "department:full",
      "mediumCategory:without medium",
      "century:without time",
      "sameArtist:without artist",
    ]);
    expect(stdout).toMatch(/mediumCategory \(without medium\): \d+\.\d %/);
  });

  it("should write Markdown with the tables and the plot, and the map of every work as SVG and PNG", async () => {
    const report = JSON.parse(await readFile(path.join(out, "quality.json"), "utf8"));
    const md = await readFile(path.join(out, "quality.md"), "utf8");
    expect(md).toContain("| without medium |");
    expect(md).toContain("![Embedding map (PCA) coloured by department](map-department.png)");
    const svg = await readFile(path.join(out, "map-department.svg"), "utf8");
    expect(svg.match(/<circle /g)?.length).toBe(report.works);
    const png = await sharp(await readFile(path.join(out, "map-department.png"))).metadata();
    expect(png.format).toBe("png");
    expect(png.width).toBeGreaterThan(800);
  });
});
