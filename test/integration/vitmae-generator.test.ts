/** The generated ViTMAE models run in onnxruntime with the interface of a transformers export. */
import ort from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import { VITMAE_SIZES, generateVitMae } from "../../src/model/vitmae-generator.ts";
import { decodeModel, toNumber, type ValueInfoProto } from "../../src/model/onnx-proto.ts";

/** Runs the model `times` times in one session (onnxruntime seeds its random ops per process, so two sessions of one process draw the same noise). */
async function runs(bytes: Uint8Array, batch: number, fill: (i: number) => number, times: number): Promise<Record<string, ort.Tensor>[]> {
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ["cpu"] });
  try {
    const input = new Float32Array(batch * 3 * 224 * 224);
    for (let i = 0; i < input.length; i++) input[i] = fill(i);
    const results: Record<string, ort.Tensor>[] = [];
    for (let t = 0; t < times; t++) results.push(await session.run({ pixel_values: new ort.Tensor("float32", input, [batch, 3, 224, 224]) }));
    return results;
  } finally {
    await session.release();
  }
}

const same = (a: Uint8Array, b: Uint8Array): boolean => Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;

describe(generateVitMae.name, () => {
  it("should declare the transformers export's interface with a dynamic batch", () => {
    const graph = decodeModel(generateVitMae({ size: "tiny" })).graph!;
    const dims = (v: ValueInfoProto | undefined): (string | number)[] =>
      (v?.type?.tensor_type?.shape?.dim ?? []).map((d) => (Object.prototype.hasOwnProperty.call(d, "dim_param") ? d.dim_param! : toNumber(d.dim_value)));
    expect(graph.input!.map((v) => v.name)).toEqual(["pixel_values"]);
    expect(dims(graph.input![0])).toEqual(["batch_size", 3, 224, 224]);
    expect(graph.output!.map((v) => v.name)).toEqual(["last_hidden_state"]);
    expect(dims(graph.output![0])).toEqual(["batch_size", 197, VITMAE_SIZES.tiny.hidden]);
  });

  it("should run a batch of 2 to last_hidden_state [2, 197, 32] with finite values that depend on the image", async () => {
    const bytes = generateVitMae({ size: "tiny", seed: 5 });
    const [out] = await runs(bytes, 2, (i) => Math.sin(i * 0.01) * (i < 3 * 224 * 224 ? 1 : -1.5), 1);
    expect(Object.keys(out)).toEqual(["last_hidden_state"]);
    const hidden = out.last_hidden_state;
    expect(hidden.type).toBe("float32");
    expect(hidden.dims).toEqual([2, 197, 32]);
    const data = hidden.data as Float32Array;
    expect(data.every(Number.isFinite)).toBe(true);
    // two different images give different tokens; the final LayerNorm keeps each token at unit scale
    const perImage = 197 * 32;
    let diff = 0;
    for (let i = 0; i < perImage; i++) diff += Math.abs(data[i] - data[perImage + i]);
    expect(diff / perImage).toBeGreaterThan(1e-3);
    const token = data.subarray(32, 64);
    const mean = token.reduce((a, b) => a + b, 0) / 32;
    const variance = token.reduce((a, b) => a + (b - mean) ** 2, 0) / 32;
    expect(Math.abs(mean)).toBeLessThan(1e-4);
    expect(variance).toBeCloseTo(1, 2);
  });

  it("should give byte-identical files for the same seed and different ones for another seed", () => {
    const a = generateVitMae({ size: "tiny", seed: 42 });
    expect(same(a, generateVitMae({ size: "tiny", seed: 42 }))).toBe(true);
    expect(same(a, generateVitMae({ size: "tiny", seed: 43 }))).toBe(false);
    expect(a.length).toBeLessThan(500_000);
  });

  it("should keep the random masking when asked: 50 tokens, mask and ids_restore, different run to run", async () => {
    const bytes = generateVitMae({ size: "tiny", seed: 5, masking: true });
    const [a, b] = await runs(bytes, 2, (i) => Math.cos(i * 0.003), 2);
    expect(a.last_hidden_state.dims).toEqual([2, 50, 32]);
    expect(a.mask.dims).toEqual([2, 196]);
    expect(a.ids_restore.dims).toEqual([2, 196]);
    expect(a.ids_restore.type).toBe("int64");
    const mask = a.mask.data as Float32Array;
    expect(mask.subarray(0, 196).reduce((s, v) => s + v, 0)).toBe(147); // 75% of the patches masked
    const ids = Array.from(a.ids_restore.data as BigInt64Array, Number).slice(0, 196);
    expect([...ids].sort((x, y) => x - y)).toEqual(Array.from({ length: 196 }, (_, i) => i)); // a permutation
    expect(same(new Uint8Array((a.last_hidden_state.data as Float32Array).buffer), new Uint8Array((b.last_hidden_state.data as Float32Array).buffer))).toBe(false);
  });
});
