import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ModelFormatError, OnnxImageEncoder, meanPoolPatches } from "../../src/adapters/onnx/onnx-image-encoder.ts";
import { resizePillow } from "../../src/adapters/sharp/sharp-image-preprocessor.ts";
import { DomainError, UnavailableError } from "../../src/domain/errors.ts";
import { DEFAULT_PREPROCESSING, type ImagePreprocessing } from "../../src/model/image-preprocessing.ts";
import { MANIFEST_FORMAT, manifestPathOf, type ModelManifest } from "../../src/model/model-manifest.ts";
import { VITMAE_SIZES, generateVitMae } from "../../src/model/vitmae-generator.ts";
import { decodeRgb, gradientRgb, photoLikeRgb, solidRgb, toJpeg, toPng } from "../support/images.ts";

const MODEL = path.resolve(import.meta.dirname, "../../models/vit-mae-tiny.onnx");

function norm(v: Float32Array): number {
  return Math.sqrt(v.reduce((s, x) => s + x * x, 0));
}

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += a[i] * b[i];
  return dot / (norm(a) * norm(b));
}

describe(OnnxImageEncoder.name, () => {
  let tmp: string;
  let sut: OnnxImageEncoder;
  let images: Uint8Array[];

  beforeAll(async () => {
    if (!existsSync(MODEL)) {
      mkdirSync(path.dirname(MODEL), { recursive: true });
      writeFileSync(MODEL, generateVitMae({ size: "tiny" }));
    }
    tmp = mkdtempSync(path.join(tmpdir(), "vitrine-onnx-"));
    sut = await OnnxImageEncoder.open(MODEL, { threads: 1, batchSize: 4 });
    images = [
      await toJpeg(photoLikeRgb(640, 480, 1)),
      await toPng(photoLikeRgb(300, 500, 2)),
      await toPng(gradientRgb(224, 224)),
      await toPng(solidRgb(100, 80, [20, 200, 90])),
      await toJpeg(photoLikeRgb(1024, 768, 3)),
      await toPng(photoLikeRgb(64, 48, 4)),
    ];
  });

  afterAll(async () => {
    await sut?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  it("should describe the model: hidden size, id and file checksum", () => {
    expect(sut.dimension).toBe(32);
    expect(sut.modelId).toBe("vit-mae-tiny");
    expect(sut.modelSha256).toBe(createHash("sha256").update(readFileSync(MODEL)).digest("hex"));
    expect(sut.batchSize).toBe(4);
  });

  it("should return the same unit vector for the same image", async () => {
    const a = await sut.encode(images[0]);
    const b = await sut.encode(images[0]);
    expect(a.length).toBe(32);
    expect(b).toEqual(a);
    expect(norm(a)).toBeCloseTo(1, 5);
  });

  it("should give different images different vectors", async () => {
    const vectors = await sut.encodeBatch(images);
    for (let i = 0; i < vectors.length; i++) {
      expect(norm(vectors[i])).toBeCloseTo(1, 5);
      for (let j = i + 1; j < vectors.length; j++) expect(cosine(vectors[i], vectors[j])).toBeLessThan(0.9999);
    }
  });

  it("should give the same vectors in batches (4 + 2) as one by one", async () => {
    const run = vi.spyOn(sut, "encodeTensor");
    try {
      const batched = await sut.encodeBatch(images);
      expect(run.mock.calls.map((c) => c[1])).toEqual([4, 2]);
      run.mockClear();
      const single: Float32Array[] = [];
      for (const img of images) single.push(await sut.encode(img));
      expect(run.mock.calls.map((c) => c[1])).toEqual([1, 1, 1, 1, 1, 1]);
      for (let i = 0; i < images.length; i++) {
        for (let d = 0; d < sut.dimension; d++) expect(Math.abs(batched[i][d] - single[i][d])).toBeLessThan(1e-5);
      }
    } finally {
      run.mockRestore();
    }
  });

  it("should coalesce concurrent encode calls into model batches", async () => {
    const run = vi.spyOn(sut, "encodeTensor");
    try {
      const [alone] = await Promise.all([sut.encode(images[1])]);
      run.mockClear();
      const concurrent = await Promise.all([0, 1, 2, 3, 4].map((i) => sut.encode(images[i])));
      expect(run.mock.calls.map((c) => c[1])).toEqual([4, 1]);
      for (let d = 0; d < sut.dimension; d++) expect(Math.abs(concurrent[1][d] - alone[d])).toBeLessThan(1e-5);
    } finally {
      run.mockRestore();
    }
  });

  it("should reject only the bad image of a coalesced batch, with its client error", async () => {
    const svg = new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>');
    const cut = images[0].subarray(0, images[0].length >> 1);
    const results = await Promise.allSettled([sut.encode(images[2]), sut.encode(svg), sut.encode(cut), sut.encode(images[3])]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "rejected", "fulfilled"]);
    const codes = results.flatMap((r) => (r.status === "rejected" ? [(r.reason as DomainError).code] : []));
    expect(codes).toEqual(["UNSUPPORTED_MEDIA_TYPE", "BAD_USER_INPUT"]);
    expect((results[0] as PromiseFulfilledResult<Float32Array>).value).toEqual(await sut.encode(images[2]));
    await expect(sut.encodeBatch([images[0], svg])).rejects.toBeInstanceOf(DomainError);
  });

  describe("with a manifest beside the model", () => {
    /** Not the default in any respect but the size: BICUBIC, CLIP's mean and std. */
    const custom: ImagePreprocessing = {
      ...DEFAULT_PREPROCESSING,
      resample: "bicubic",
      mean: [0.48145466, 0.4578275, 0.40821073],
      std: [0.26862954, 0.26130258, 0.27577711],
    };

    function install(name: string, sha256: string, preprocessing: ImagePreprocessing = custom): string {
      const file = path.join(tmp, `${name}.onnx`);
      writeFileSync(file, readFileSync(MODEL));
      const { hidden, layers, heads, mlp } = VITMAE_SIZES.tiny;
      const manifest: ModelManifest = {
        format: MANIFEST_FORMAT,
        source: "generated",
        repo: null,
        requestedRevision: null,
        revision: null,
        origin: null,
        files: [],
        model: { file: path.basename(file), bytes: readFileSync(file).length, sha256, precision: "fp32" },
        architecture: { imageSize: 224, patchSize: 16, numChannels: 3, hiddenSize: hidden, numHiddenLayers: layers, numAttentionHeads: heads, intermediateSize: mlp, layerNormEps: 1e-12, hiddenAct: "gelu", qkvBias: true },
        preprocessing,
        installedAt: new Date(0).toISOString(),
      };
      writeFileSync(manifestPathOf(file), JSON.stringify(manifest));
      return file;
    }

    it("should feed the model exactly the manifest's preprocessing (bicubic, its own mean and std)", async () => {
      const file = install("with-manifest", createHash("sha256").update(readFileSync(MODEL)).digest("hex"));
      const encoder = await OnnxImageEncoder.open(file, { threads: 1 });
      try {
        expect(encoder.preprocessing).toEqual(custom);
        expect(sut.preprocessing).toEqual(DEFAULT_PREPROCESSING);
        const png = await toPng(photoLikeRgb(300, 500, 2, 0));
        // this test's own preprocessing: Pillow-exact BICUBIC, then transformers' float32 arithmetic
        const decoded = await decodeRgb(png);
        const rgb = resizePillow(decoded.data, decoded.width, decoded.height, 224, 224, "bicubic");
        const tensor = new Float32Array(3 * 224 * 224);
        for (let c = 0; c < 3; c++) {
          const mean = Math.fround(custom.mean[c]);
          const std = Math.fround(custom.std[c]);
          for (let p = 0; p < 224 * 224; p++) tensor[c * 224 * 224 + p] = Math.fround(Math.fround(Math.fround(rgb[p * 3 + c] * (1 / 255)) - mean) / std);
        }
        const [want] = await sut.encodeTensor(tensor, 1);
        const got = await encoder.encode(png);
        let maxDiff = 0;
        for (let i = 0; i < got.length; i++) maxDiff = Math.max(maxDiff, Math.abs(got[i] - want[i]));
        expect(maxDiff).toBe(0);
        // ...and the default preprocessing gives this model another vector
        expect(cosine(await sut.encode(png), got)).toBeLessThan(0.99999);
      } finally {
        await encoder.close();
      }
    });

    it("should refuse a manifest whose model checksum is not the file's, saying to fetch again", async () => {
      const file = install("wrong-manifest", "0".repeat(64));
      const e = await OnnxImageEncoder.open(file).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(e).toBeInstanceOf(ModelFormatError);
      expect((e as Error).message).toMatch(/does not describe wrong-manifest\.onnx/);
      expect((e as Error).message).toContain("vitrine model fetch");
    });

    it("should refuse a manifest asking for preprocessing vitrine cannot reproduce", async () => {
      const sha = createHash("sha256").update(readFileSync(MODEL)).digest("hex");
      const file = install("lanczos-manifest", sha, { ...custom, resample: "lanczos" as ImagePreprocessing["resample"] });
      await expect(OnnxImageEncoder.open(file)).rejects.toThrow(/lanczos-manifest\.manifest\.json cannot be used: its resample filter "lanczos"/);
    });
  });

  it("should refuse an export that kept the random masking, saying to run model prepare", async () => {
    const masked = path.join(tmp, "vit-mae-masked.onnx");
    writeFileSync(masked, generateVitMae({ size: "tiny", masking: true }));
    const e = await OnnxImageEncoder.open(masked).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(ModelFormatError);
    expect((e as Error).message).toMatch(/returns 50 tokens per image, not 197/);
    expect((e as Error).message).toContain("vitrine model prepare IN OUT");
    expect((e as Error).message).not.toMatch(/re-export/i);
  });

  it("should refuse an export made with mask_ratio 0.0 (all patches kept, shuffled on every run), saying to run model prepare", async () => {
    const shuffled = path.join(tmp, "vit-mae-shuffled.onnx");
    writeFileSync(shuffled, generateVitMae({ size: "tiny", masking: "shuffle" }));
    const e = await OnnxImageEncoder.open(shuffled).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(ModelFormatError);
    expect((e as Error).message).toMatch(/different tokens for the same image on two runs/);
    expect((e as Error).message).toContain("vitrine model prepare IN OUT");
  });

  describe("resting while no images come (idleMs)", () => {
    const until = async (done: () => boolean, ms = 10_000): Promise<void> => {
      const end = Date.now() + ms;
      while (!done()) {
        if (Date.now() > end) throw new Error("timed out");
        await new Promise((r) => setTimeout(r, 20));
      }
    };

    it("should release the model once idle and load it again for the next image, which embeds as before", async () => {
      const file = path.join(tmp, "resting.onnx");
      writeFileSync(file, readFileSync(MODEL));
      const resting = await OnnxImageEncoder.open(file, { threads: 1, idleMs: 150 });
      try {
        const before = await resting.encode(images[0]);
        expect(resting.loaded).toBe(true);
        await until(() => !resting.loaded);
        const again = await resting.encodeBatch([images[0], images[1]]);
        expect(again[0]).toEqual(before);
        expect(resting.loaded).toBe(true);
        expect({ wakes: resting.wakes, restarts: resting.restarts }).toEqual({ wakes: 1, restarts: 0 });
      } finally {
        await resting.close();
      }
    });

    it("should not rest while images keep coming", async () => {
      const busy = await OnnxImageEncoder.open(MODEL, { threads: 1, idleMs: 300 });
      try {
        for (let i = 0; i < 8; i++) {
          await busy.encode(images[i % images.length]);
          await new Promise((r) => setTimeout(r, 100));
          expect(busy.loaded).toBe(true);
        }
        expect(busy.wakes).toBe(0);
      } finally {
        await busy.close();
      }
    });

    it("should not load a different model file in place of the resting one (its embeddings would not match)", async () => {
      const file = path.join(tmp, "replaced.onnx");
      writeFileSync(file, readFileSync(MODEL));
      const resting = await OnnxImageEncoder.open(file, { threads: 1, idleMs: 100 });
      try {
        await until(() => !resting.loaded);
        writeFileSync(file, generateVitMae({ size: "tiny", seed: 7 }));
        const e = await resting.encode(images[0]).then(
          () => undefined,
          (err: unknown) => err,
        );
        expect(e).toBeInstanceOf(UnavailableError);
        expect((e as Error).message).toMatch(/replaced\.onnx changed since vitrine started/);
        expect((e as Error).message).not.toContain(tmp);
      } finally {
        await resting.close();
      }
    });
  });

  describe("remembering a full check (checkRecord)", () => {
    it("should check the model in full once, then open it resting and load it with the first image, which embeds as before", async () => {
      const file = path.join(tmp, "remembered.onnx");
      const record = path.join(tmp, "remembered-check.json");
      writeFileSync(file, readFileSync(MODEL));
      const first = await OnnxImageEncoder.open(file, { threads: 1, checkRecord: record });
      const vector = await first.encode(images[0]);
      await first.close();
      expect(JSON.parse(readFileSync(record, "utf8"))).toMatchObject({ path: file, sha256: first.modelSha256, dimension: 32, fixedBatch: null });

      const second = await OnnxImageEncoder.open(file, { threads: 1, checkRecord: record });
      try {
        expect(second.loaded).toBe(false);
        expect({ dimension: second.dimension, modelSha256: second.modelSha256 }).toEqual({ dimension: first.dimension, modelSha256: first.modelSha256 });
        expect(await second.encode(images[0])).toEqual(vector);
        expect(second.loaded).toBe(true);
      } finally {
        await second.close();
      }
    });

    it("should check a model in full again when the file changed, and remember the new one", async () => {
      const file = path.join(tmp, "changed.onnx");
      const record = path.join(tmp, "changed-check.json");
      writeFileSync(file, readFileSync(MODEL));
      await (await OnnxImageEncoder.open(file, { checkRecord: record })).close();
      writeFileSync(file, generateVitMae({ size: "tiny", seed: 11 }));
      const other = await OnnxImageEncoder.open(file, { checkRecord: record });
      try {
        expect(other.loaded).toBe(true); // checked now, so loaded
        const sha = createHash("sha256").update(readFileSync(file)).digest("hex");
        expect(other.modelSha256).toBe(sha);
        expect(JSON.parse(readFileSync(record, "utf8")).sha256).toBe(sha);
      } finally {
        await other.close();
      }
    });

    it("should remember nothing of a model that fails its check, and refuse it on every open", async () => {
      const file = path.join(tmp, "masked-remembered.onnx");
      const record = path.join(tmp, "masked-check.json");
      writeFileSync(file, generateVitMae({ size: "tiny", masking: true }));
      for (let i = 0; i < 2; i++) await expect(OnnxImageEncoder.open(file, { checkRecord: record })).rejects.toBeInstanceOf(ModelFormatError);
      expect(existsSync(record)).toBe(false);
    });

    it("should ignore a damaged record and check the model in full", async () => {
      const record = path.join(tmp, "damaged-check.json");
      writeFileSync(record, "{ not json");
      const encoder = await OnnxImageEncoder.open(MODEL, { checkRecord: record });
      try {
        expect(encoder.loaded).toBe(true);
        expect(JSON.parse(readFileSync(record, "utf8")).dimension).toBe(32);
      } finally {
        await encoder.close();
      }
    });
  });

  it("should report a missing model as unavailable", async () => {
    await expect(OnnxImageEncoder.open(path.join(tmp, "nope.onnx"))).rejects.toBeInstanceOf(UnavailableError);
  });
});

describe(meanPoolPatches.name, () => {
  it("should average tokens 1..n-1 (not the CLS token) and L2-normalise", () => {
    // 2 images × 3 tokens × 2 dims; token 0 is CLS and must be ignored.
    const hidden = new Float32Array([100, -100, 1, 0, 3, 0, /* image 2 */ 5, 5, 0, 2, 0, 4]);
    const [a, b] = meanPoolPatches(hidden, 2, 3, 2);
    expect(Array.from(a)).toEqual([1, 0]);
    expect(Array.from(b)).toEqual([0, 1]);
    const [c] = meanPoolPatches(new Float32Array([9, 9, 3, 4, 3, 4]), 1, 3, 2);
    expect(c[0]).toBeCloseTo(0.6, 6);
    expect(c[1]).toBeCloseTo(0.8, 6);
  });
});
