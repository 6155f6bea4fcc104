/**
 * `vitrine model fetch` from the Hugging Face Hub with no Python: a local stand-in of the Hub
 * (HF_ENDPOINT) serves a ViTMAEForPreTraining checkpoint of the generator's tiny weights; the
 * installed encoder must compute what the generator's own ONNX of the same weights computes, and
 * every refusal must leave the installed model as it was.
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import ort from "onnxruntime-node";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/config.ts";
import { EXTERNAL_DATA_SHA256_KEY, installHubModel } from "../../src/model/model-hub.ts";
import { decodeModel } from "../../src/model/onnx-proto.ts";
import { ChecksumMismatchError, ModelFetchError } from "../../src/model/model-fetcher.ts";
import { manifestPathOf, type ModelManifest } from "../../src/model/model-manifest.ts";
import { ModelConfigError } from "../../src/model/vitmae-config.ts";
import { CheckpointMismatchError } from "../../src/model/vitmae-hub-weights.ts";
import { generateVitMae } from "../../src/model/vitmae-generator.ts";
import { parsePreprocessorConfig } from "../../src/model/image-preprocessing.ts";
import { startHubServer, type HubServer } from "../support/hub-server.ts";
import { PREPROCESSOR_CONFIG, tinyRepoFiles } from "../support/vitmae-checkpoint.ts";
import { gradientRgb, photoLikeRgb, toPng } from "../support/images.ts";
import { OnnxImageEncoder } from "../../src/adapters/onnx/onnx-image-encoder.ts";

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, "../..");
const REPO = "facebook/vit-mae-base";
const SEED = 3;
const sha256 = (b: Uint8Array): string => createHash("sha256").update(b).digest("hex");

/** last_hidden_state of a batch of 2 fixed pseudo-images. */
async function hiddenStates(model: Uint8Array | string): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(model as string, { executionProviders: ["cpu"] });
  try {
    const input = new Float32Array(2 * 3 * 224 * 224);
    for (let i = 0; i < input.length; i++) input[i] = Math.sin(i * 0.0007) + Math.cos(i * 0.013);
    const out = await session.run({ pixel_values: new ort.Tensor("float32", input, [2, 3, 224, 224]) });
    expect(out.last_hidden_state.dims).toEqual([2, 197, 32]);
    return out.last_hidden_state.data as Float32Array;
  } finally {
    await session.release();
  }
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

/** The installed model and manifest, to show that a refusal left them as they were. */
function snapshot(modelPath: string): string {
  return sha256(readFileSync(modelPath)) + sha256(readFileSync(manifestPathOf(modelPath)));
}

const files = (dir: string): string[] => readdirSync(dir).sort();

describe("model fetch from the Hub", () => {
  let hub: HubServer;
  let dir: string;
  let modelPath: string;
  const reference = generateVitMae({ size: "tiny", seed: SEED });
  let referenceStates: Float32Array;

  const serve = (repoFiles: Record<string, Uint8Array>): void => {
    hub.files.clear();
    for (const [name, body] of Object.entries(repoFiles)) hub.files.set(name, { body, lfs: name.endsWith(".safetensors") });
  };
  const install = (extra: Partial<Parameters<typeof installHubModel>[0]> = {}): ReturnType<typeof installHubModel> =>
    installHubModel({ out: modelPath, endpoint: hub.url, repo: REPO, progress: false, ...extra });

  beforeAll(async () => {
    hub = await startHubServer(REPO, {});
    referenceStates = await hiddenStates(reference);
    dir = mkdtempSync(path.join(os.tmpdir(), "vitrine-hub-"));
    modelPath = path.join(dir, "models", "vit-mae-base.onnx");
  });
  afterAll(async () => {
    await hub.close();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    serve(tinyRepoFiles(SEED));
    hub.requests.length = 0;
    hub.plain = false;
  });

  it("should install through HF_ENDPOINT (`vitrine model fetch`, no arguments) a model equal to the generator's ONNX of the same weights", async () => {
    const { stderr } = await run(process.execPath, ["bin/vitrine.js", "model", "fetch"], {
      cwd: ROOT,
      env: { ...process.env, HF_ENDPOINT: hub.url, VITRINE_DATA_DIR: dir, VITRINE_MODEL_PATH: "" },
    });
    expect(stderr).toContain(`revision "main" is commit ${hub.commit}`);
    expect(stderr).toMatch(/installed .*vit-mae-base\.onnx from facebook\/vit-mae-base@0123456789abcdef/);

    const diff = maxAbsDiff(await hiddenStates(modelPath), referenceStates);
    console.info(`hub-installed vs generated tiny model: max |Δ last_hidden_state| = ${diff}`);
    expect(diff).toBeLessThan(1e-6);

    // the revision is pinned to the commit after the first answer; the LFS file came through the redirect, resumably
    const gets = hub.requests.filter((r) => r.method === "GET").map((r) => r.path);
    expect(gets).toContain(`/${REPO}/resolve/main/config.json`);
    expect(gets).toContain(`/${REPO}/resolve/${hub.commit}/model.safetensors`);
    expect(gets).toContain("/cdn/model.safetensors");

    const manifest = JSON.parse(readFileSync(manifestPathOf(modelPath), "utf8")) as ModelManifest;
    const served = tinyRepoFiles(SEED);
    expect(manifest).toMatchObject({
      format: "vitrine-model/1",
      source: "hub",
      repo: REPO,
      requestedRevision: "main",
      revision: hub.commit,
      origin: hub.url,
      model: { file: "vit-mae-base.onnx", sha256: sha256(readFileSync(modelPath)), precision: "fp32" },
      architecture: { imageSize: 224, patchSize: 16, hiddenSize: 32, numHiddenLayers: 2, numAttentionHeads: 2, intermediateSize: 64, layerNormEps: 1e-12 },
      preprocessing: { width: 224, height: 224, resample: "bicubic", mean: [0.485, 0.456, 0.406] },
    });
    expect(manifest.files).toEqual(Object.entries(served).map(([name, body]) => ({ name, bytes: body.length, sha256: sha256(body) })));
    // nothing left behind but the model and its manifest
    expect(files(path.dirname(modelPath))).toEqual(["vit-mae-base.manifest.json", "vit-mae-base.onnx"]);
  });

  it("should refuse a download whose SHA-256 is not the one the Hub declares, and keep the installed model", async () => {
    const before = snapshot(modelPath);
    const wrong = "ab".repeat(32);
    hub.files.get("model.safetensors")!.declaredSha256 = wrong;
    const error = await install().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChecksumMismatchError);
    expect((error as Error).message).toContain(wrong);
    expect((error as Error).message).toContain(sha256(hub.files.get("model.safetensors")!.body));
    expect((error as Error).message).toMatch(/nothing was installed/);
    expect(snapshot(modelPath)).toBe(before);
    expect(files(path.dirname(modelPath)).filter((f) => f.startsWith(".vitrine-install"))).toEqual([]);
  });

  it("should keep a cut download for the next run, which resumes it with a Range request", async () => {
    const before = snapshot(modelPath);
    serve(tinyRepoFiles(SEED + 1));
    hub.files.get("model.safetensors")!.cutAfterBytes = 40_000;
    const error = await install().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelFetchError);
    expect((error as ModelFetchError).resumable).toBe(true);
    expect((error as Error).message).toMatch(/run the same command again to resume/);
    expect(snapshot(modelPath)).toBe(before);

    await install();
    expect(hub.requests.filter((r) => r.path === "/cdn/model.safetensors").map((r) => r.range)).toEqual([undefined, "bytes=40000-"]);
    expect(snapshot(modelPath)).not.toBe(before);
    expect(maxAbsDiff(await hiddenStates(modelPath), await hiddenStates(generateVitMae({ size: "tiny", seed: SEED + 1 })))).toBeLessThan(1e-6);
  });

  it("should refuse an unsupported config.json naming every difference, before downloading the weights, and keep the installed model", async () => {
    const before = snapshot(modelPath);
    serve(tinyRepoFiles(SEED, { config: { hidden_act: "gelu_new", qkv_bias: false, image_size: 230 } }));
    const error = await install().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelConfigError);
    const message = (error as Error).message;
    expect(message).toMatch(/"hidden_act" is "gelu_new"/);
    expect(message).toMatch(/"qkv_bias" is false/);
    expect(message).toMatch(/"image_size" 230 is not a multiple of "patch_size" 16/);
    expect(snapshot(modelPath)).toBe(before);
    // refused before the weights were downloaded
    expect(hub.requests.filter((r) => r.path.includes("model.safetensors"))).toEqual([]);
  });

  it("should refuse weights with a missing or misshapen tensor, naming them, and keep the installed model", async () => {
    const before = snapshot(modelPath);
    serve(
      tinyRepoFiles(SEED, {
        omit: ["vit.encoder.layer.1.attention.attention.key.weight"],
        reshape: { "vit.encoder.layer.0.intermediate.dense.weight": [32, 64] },
      }),
    );
    const error = await install().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CheckpointMismatchError);
    expect((error as Error).message).toContain('"vit.encoder.layer.1.attention.attention.key.weight" is missing');
    expect((error as Error).message).toContain('"vit.encoder.layer.0.intermediate.dense.weight" is [32, 64]; config.json implies [64, 32]');
    expect(snapshot(modelPath)).toBe(before);
    // the checked download waits in the cache: a second run does not fetch the weights again
    hub.requests.length = 0;
    const lines: string[] = [];
    await install({ log: (line) => lines.push(line) }).catch(() => undefined);
    expect(lines).toContain(`model.safetensors: already downloaded (sha256 ${sha256(hub.files.get("model.safetensors")!.body)})`);
    expect(hub.requests.filter((r) => r.method === "GET" && r.path.includes("model.safetensors"))).toEqual([]);
  });

  it("should follow the Hub's relative redirects of small files, and say when a repository or revision does not exist", async () => {
    hub.files.get("config.json")!.viaResolveCache = true;
    hub.files.get("preprocessor_config.json")!.viaResolveCache = true;
    const { manifest } = await install();
    expect(manifest.revision).toBe(hub.commit);
    expect(hub.requests.some((r) => r.path.startsWith("/api/resolve-cache/models/facebook/vit-mae-base/"))).toBe(true);

    const before = snapshot(modelPath);
    const missingRepo = await install({ repo: "facebook/vit-mae-nope" }).catch((e: unknown) => e);
    expect((missingRepo as Error).message).toMatch(/config\.json of facebook\/vit-mae-nope at revision "main" was not found \(HTTP 404 .*Check --repo and --revision/);
    const missingRevision = await install({ revision: "v9" }).catch((e: unknown) => e);
    expect((missingRevision as Error).message).toMatch(/at revision "v9" was not found/);
    expect(snapshot(modelPath)).toBe(before);
    expect(files(path.dirname(modelPath))).toEqual(["vit-mae-base.manifest.json", "vit-mae-base.onnx"]);
  });

  it("should install from a plain static mirror (no HEAD, no Hub headers): checksums computed and recorded, no commit", async () => {
    hub.plain = true;
    const { manifest } = await install();
    expect(manifest).toMatchObject({ source: "hub", revision: null, requestedRevision: "main", origin: hub.url });
    expect(manifest.files.map((f) => f.sha256)).toEqual(Object.values(tinyRepoFiles(SEED)).map(sha256));
    expect(maxAbsDiff(await hiddenStates(modelPath), referenceStates)).toBeLessThan(1e-6);
  });

  it("should read half-precision (BF16) weights", async () => {
    serve(tinyRepoFiles(SEED, { dtype: "BF16" }));
    await install();
    const diff = maxAbsDiff(await hiddenStates(modelPath), referenceStates);
    console.info(`BF16 checkpoint vs fp32 generator: max |Δ last_hidden_state| = ${diff}`);
    expect(diff).toBeGreaterThan(0); // the weights were rounded to bfloat16
    expect(diff).toBeLessThan(0.1);
  });

  it("should install from a folder (--from) and write large weights as ONNX external data", async () => {
    const source = path.join(dir, "download");
    mkdirSync(source, { recursive: true });
    for (const [name, body] of Object.entries(tinyRepoFiles(SEED))) writeFileSync(path.join(source, name), body);
    hub.requests.length = 0;
    // a staging folder left by a killed install (its process is gone) is cleared; pid 2^22 + 1 is above Linux's pid_max
    const stale = path.join(path.dirname(modelPath), ".vitrine-install-4194305-1");
    mkdirSync(stale);
    writeFileSync(path.join(stale, "vit-mae-base.onnx"), "half a model");
    const { manifest } = await install({ from: source, externalData: true });
    expect(existsSync(stale)).toBe(false);
    expect(hub.requests).toEqual([]);
    expect(manifest).toMatchObject({ source: "dir", origin: source, revision: null });
    expect(files(path.dirname(modelPath)).filter((f) => !f.startsWith("."))).toEqual(["vit-mae-base.manifest.json", "vit-mae-base.onnx", "vit-mae-base.onnx.data"]);
    expect(manifest.model.data).toMatchObject({ name: "vit-mae-base.onnx.data", sha256: sha256(readFileSync(`${modelPath}.data`)) });
    // the .onnx names its weights' digest, so the model checksum changes with the weights
    expect(decodeModel(readFileSync(modelPath)).metadata_props).toEqual([{ key: EXTERNAL_DATA_SHA256_KEY, value: manifest.model.data!.sha256 }]);
    expect(readFileSync(modelPath).length).toBeLessThan(50_000); // the weights are not inline
    expect(maxAbsDiff(await hiddenStates(modelPath), referenceStates)).toBeLessThan(1e-6);

    // back to inline weights: the stale data file goes
    await install({ from: source });
    expect(existsSync(`${modelPath}.data`)).toBe(false);
  });

  it("should also install a dynamically quantized int8 model with --quantize int8, close to the fp32 one", async () => {
    const source = path.join(dir, "download-int8");
    mkdirSync(source, { recursive: true });
    for (const [name, body] of Object.entries(tinyRepoFiles(SEED))) writeFileSync(path.join(source, name), body);
    const { manifest, int8 } = await install({ from: source, quantize: "int8" });
    const int8Path = path.join(path.dirname(modelPath), "vit-mae-base.int8.onnx");
    expect(int8?.modelPath).toBe(int8Path);
    expect(int8?.manifest).toMatchObject({ model: { file: "vit-mae-base.int8.onnx", precision: "int8", sha256: sha256(readFileSync(int8Path)) } });
    expect(int8?.manifest.architecture).toEqual(manifest.architecture);
    expect(int8?.manifest.preprocessing).toEqual(manifest.preprocessing);
    expect(JSON.parse(readFileSync(manifestPathOf(int8Path), "utf8"))).toEqual(int8?.manifest);
    expect(readFileSync(int8Path).length).toBeLessThan(readFileSync(modelPath).length);

    // the encoder takes either; the int8 embedding of a photo-like image is close to the fp32 one
    const image = await toPng(photoLikeRgb(320, 240, 5, 12));
    const embed = async (file: string): Promise<Float32Array> => {
      const encoder = await OnnxImageEncoder.open(file);
      try {
        return await encoder.encode(image);
      } finally {
        await encoder.close();
      }
    };
    const [fp32, q8] = [await embed(modelPath), await embed(int8Path)];
    let cos = 0;
    for (let i = 0; i < fp32.length; i++) cos += fp32[i] * q8[i];
    console.info(`int8 vs fp32 tiny model, one photo-like image: cosine ${cos.toFixed(5)}`);
    expect(cos).toBeGreaterThan(0.98);
  });

  it("should print each image's embedding with `vitrine model embed --json`, and report an unreadable file without stopping", async () => {
    const png = path.join(dir, "gradient.png");
    writeFileSync(png, await toPng(gradientRgb(64, 48)));
    const broken = path.join(dir, "broken.jpg");
    writeFileSync(broken, "not an image");
    const result = await run(process.execPath, ["bin/vitrine.js", "model", "embed", "--json", png, broken, png], {
      cwd: ROOT,
      env: { ...process.env, VITRINE_MODEL_PATH: modelPath },
    }).catch((e: { code: number; stdout: string; stderr: string }) => e);
    expect((result as { code?: number }).code).toBe(1);
    const lines = result.stdout.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => l.file)).toEqual([png, broken, png]);
    expect(lines[1].error).toEqual(expect.any(String));
    expect(result.stderr).toContain(`${broken}: `);
    const vector = lines[0].vector as number[];
    expect(vector).toHaveLength(32);
    expect(lines[0].dimension).toBe(32);
    expect(Math.hypot(...vector)).toBeCloseTo(1, 5);
    expect(lines[2].vector).toEqual(vector);
    expect(lines[0].modelSha256).toBe(sha256(readFileSync(modelPath)));
    expect(lines[0].preprocessing).toEqual(JSON.parse(JSON.stringify(parsePreprocessorConfig(PREPROCESSOR_CONFIG))));

    // without --json: one line per file, the name then the numbers
    const plain = await run(process.execPath, ["bin/vitrine.js", "model", "embed", png], { cwd: ROOT, env: { ...process.env, VITRINE_MODEL_PATH: modelPath } });
    const [name, numbers] = plain.stdout.trimEnd().split("\t");
    expect(name).toBe(png);
    expect(numbers.split(" ").map(Number)).toEqual(vector);
  });

  it("should read HF_ENDPOINT in the configuration, without a trailing slash, defaulting to the Hub", () => {
    expect(loadConfig({ HF_ENDPOINT: `${hub.url}/` }).model.hubEndpoint).toBe(hub.url);
    expect(loadConfig({}).model.hubEndpoint).toBe("https://huggingface.co");
  });
});
