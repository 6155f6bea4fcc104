/**
 * The installed encoder against an independent reference: ViTMAE's encoder forward pass written out
 * in plain TypeScript from the Hub's parameter names and torch's conventions (Conv2d, Linear
 * y = x Wᵀ + b, LayerNorm with the config's eps, exact GELU, softmax attention), on a small odd
 * configuration (28-pixel images, 14-pixel patches, 3 heads of 4) whose every tensor — biases,
 * LayerNorm scales, position embeddings included — is random, so a transposed or misplaced tensor
 * shows.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import ort from "onnxruntime-node";
import { afterAll, describe, expect, it } from "vitest";
import { installHubModel } from "../../src/model/model-hub.ts";
import { encodeSafetensors, type SafetensorsInput } from "../../src/model/safetensors.ts";
import { vitMaeTensorShapes } from "../../src/model/vitmae-graph.ts";
import { parseVitMaeConfig } from "../../src/model/vitmae-config.ts";
import { mulberry32 } from "../../src/encoding/seeded-random.ts";

const CONFIG = {
  model_type: "vit_mae",
  image_size: 28,
  patch_size: 14,
  num_channels: 3,
  hidden_size: 12,
  num_hidden_layers: 2,
  num_attention_heads: 3,
  intermediate_size: 20,
  hidden_act: "gelu",
  layer_norm_eps: 1e-6,
  qkv_bias: true,
};
const ARCH = parseVitMaeConfig(CONFIG);

/** erf by its Maclaurin series (converges fast below 3.5; beyond, erf is ±1 to float precision). */
function erf(x: number): number {
  if (Math.abs(x) > 3.5) return Math.sign(x);
  let term = x;
  let sum = x;
  for (let n = 1; n < 60; n++) {
    term *= (-x * x) / n;
    sum += term / (2 * n + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}

/** The reference forward pass for one image [C, H, W] → last_hidden_state [tokens, hidden]. */
function reference(w: Map<string, Float32Array>, pixels: Float32Array): Float64Array[] {
  const { imageSize: S, patchSize: P, numChannels: C, hiddenSize: H, numAttentionHeads: heads, intermediateSize: I, layerNormEps: eps } = ARCH;
  const g = S / P;
  const get = (name: string): Float32Array => w.get(name)!;
  const linear = (x: Float64Array, prefix: string, out: number): Float64Array => {
    const W = get(`${prefix}.weight`); // torch [out, in]
    const b = get(`${prefix}.bias`);
    const y = new Float64Array(out);
    for (let o = 0; o < out; o++) {
      let s = b[o];
      for (let i = 0; i < x.length; i++) s += W[o * x.length + i] * x[i];
      y[o] = s;
    }
    return y;
  };
  const layerNorm = (x: Float64Array, prefix: string): Float64Array => {
    const mean = x.reduce((a, b) => a + b, 0) / x.length;
    const variance = x.reduce((a, b) => a + (b - mean) ** 2, 0) / x.length;
    const gamma = get(`${prefix}.weight`);
    const beta = get(`${prefix}.bias`);
    return x.map((v, i) => ((v - mean) / Math.sqrt(variance + eps)) * gamma[i] + beta[i]);
  };
  const convW = get("vit.embeddings.patch_embeddings.projection.weight"); // [H, C, P, P]
  const convB = get("vit.embeddings.patch_embeddings.projection.bias");
  const pos = get("vit.embeddings.position_embeddings"); // [1, 1 + g², H]
  const cls = get("vit.embeddings.cls_token");
  let x: Float64Array[] = [Float64Array.from({ length: H }, (_, d) => cls[d] + pos[d])];
  for (let py = 0; py < g; py++) {
    for (let px = 0; px < g; px++) {
      const token = new Float64Array(H);
      for (let d = 0; d < H; d++) {
        let s = convB[d];
        for (let c = 0; c < C; c++)
          for (let ky = 0; ky < P; ky++)
            for (let kx = 0; kx < P; kx++) s += convW[((d * C + c) * P + ky) * P + kx] * pixels[(c * S + py * P + ky) * S + px * P + kx];
        token[d] = s + pos[(1 + py * g + px) * H + d];
      }
      x.push(token);
    }
  }
  const dh = H / heads;
  for (let l = 0; l < ARCH.numHiddenLayers; l++) {
    const p = `vit.encoder.layer.${l}`;
    const h = x.map((t) => layerNorm(t, `${p}.layernorm_before`));
    const q = h.map((t) => linear(t, `${p}.attention.attention.query`, H));
    const k = h.map((t) => linear(t, `${p}.attention.attention.key`, H));
    const v = h.map((t) => linear(t, `${p}.attention.attention.value`, H));
    const context = x.map(() => new Float64Array(H));
    for (let head = 0; head < heads; head++) {
      for (let i = 0; i < x.length; i++) {
        const scores = x.map((_, j) => {
          let s = 0;
          for (let d = 0; d < dh; d++) s += q[i][head * dh + d] * k[j][head * dh + d];
          return s / Math.sqrt(dh);
        });
        const max = Math.max(...scores);
        const e = scores.map((s) => Math.exp(s - max));
        const z = e.reduce((a, b) => a + b, 0);
        for (let j = 0; j < x.length; j++) for (let d = 0; d < dh; d++) context[i][head * dh + d] += (e[j] / z) * v[j][head * dh + d];
      }
    }
    x = x.map((t, i) => {
      const attn = linear(context[i], `${p}.attention.output.dense`, H);
      return t.map((val, d) => val + attn[d]);
    });
    x = x.map((t) => {
      const inter = linear(layerNorm(t, `${p}.layernorm_after`), `${p}.intermediate.dense`, I).map((u) => 0.5 * u * (1 + erf(u / Math.SQRT2)));
      const out = linear(inter, `${p}.output.dense`, H);
      return t.map((val, d) => val + out[d]);
    });
  }
  return x.map((t) => layerNorm(t, "vit.layernorm"));
}

describe("hub-installed encoder against a reference ViTMAE", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "vitrine-hub-ref-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("should compute last_hidden_state as the reference does, for every tensor random and F16 weights too", async () => {
    const next = mulberry32(99); // uniform in [0, 1)
    const weights = new Map<string, Float32Array>();
    for (const [name, shape] of vitMaeTensorShapes(ARCH)) {
      const n = shape.reduce((a, b) => a * b, 1);
      // LayerNorm scales around 1, everything else around 0, all different
      weights.set(name, Float32Array.from({ length: n }, () => (name.includes("layernorm") && name.endsWith("weight") ? 1 : 0) + (next() - 0.5) * 0.6));
    }
    const pixels = Float32Array.from({ length: 3 * 28 * 28 }, () => (next() - 0.5) * 4);
    const expected = reference(weights, pixels);

    for (const dtype of ["F32", "F16"] as const) {
      const source = path.join(dir, `src-${dtype}`);
      mkdirSync(source, { recursive: true });
      const tensors: Record<string, SafetensorsInput> = { "decoder.mask_token": { dtype, shape: [1, 1, 4], values: new Float32Array(4) } };
      for (const [name, values] of weights) tensors[name] = { dtype, shape: vitMaeTensorShapes(ARCH).get(name)!, values };
      writeFileSync(path.join(source, "model.safetensors"), encodeSafetensors(tensors));
      writeFileSync(path.join(source, "config.json"), JSON.stringify(CONFIG));
      writeFileSync(path.join(source, "preprocessor_config.json"), JSON.stringify({ size: 28, resample: 3 }));
      const out = path.join(dir, `models-${dtype}`, "tiny.onnx");
      const { manifest } = await installHubModel({ out, endpoint: "http://127.0.0.1:9", from: source, progress: false });
      expect(manifest.architecture).toEqual(ARCH);

      const session = await ort.InferenceSession.create(out, { executionProviders: ["cpu"] });
      try {
        const result = await session.run({ pixel_values: new ort.Tensor("float32", pixels, [1, 3, 28, 28]) });
        const actual = result.last_hidden_state;
        expect(actual.dims).toEqual([1, 5, 12]);
        let worst = 0;
        expected.forEach((token, t) => token.forEach((value, d) => (worst = Math.max(worst, Math.abs(value - (actual.data as Float32Array)[t * 12 + d])))));
        console.info(`${dtype} weights: max |Δ| to the reference = ${worst}`);
        // F16 rounds every weight (relative 2^-11), so the reference (which used the fp32 values) is further away
        expect(worst).toBeLessThan(dtype === "F32" ? 1e-5 : 5e-3);
      } finally {
        await session.release();
      }
    }
  });
});
