/** `vitrine model prepare`: removes ViTMAE's random masking from an export, found by structure. */
import ort from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import { generateVitMae } from "../../src/model/vitmae-generator.ts";
import { decodeModel, encodeModel } from "../../src/model/onnx-proto.ts";
import { MaskingNotFoundError, ModelAlreadyCleanError, prepareVitMae } from "../../src/model/vitmae-prepare.ts";

const SEED = 17;

/** Runs the model `times` times in one session (onnxruntime seeds its random ops per process, so two sessions of one process draw the same noise). */
async function runs(bytes: Uint8Array, batch: number, times: number): Promise<Record<string, ort.Tensor>[]> {
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ["cpu"] });
  try {
    const input = new Float32Array(batch * 3 * 224 * 224);
    for (let i = 0; i < input.length; i++) input[i] = Math.sin(i * 0.0007) + Math.cos(i * 0.013);
    const results: Record<string, ort.Tensor>[] = [];
    for (let t = 0; t < times; t++) results.push(await session.run({ pixel_values: new ort.Tensor("float32", input, [batch, 3, 224, 224]) }));
    return results;
  } finally {
    await session.release();
  }
}

const values = (t: ort.Tensor): Float32Array => t.data as Float32Array;

/** `last_hidden_state` of a batch of 2 equals (within 1e-4) what the mask-free model of the same weights returns. */
async function expectCleanModelOutput(actual: Parameters<typeof values>[0]): Promise<void> {
  const [clean] = await runs(generateVitMae({ size: "tiny", seed: SEED }), 2, 1);
  const expected = values(clean.last_hidden_state);
  const got = values(actual);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(expected[i] - got[i]));
  expect(worst).toBeLessThan(1e-4);
}

describe(prepareVitMae.name, () => {
  it("should turn the masking export (50 random tokens) into the unmasked model of the same weights", async () => {
    const masked = generateVitMae({ size: "tiny", seed: SEED, masking: true });
    const [m1, m2] = await runs(masked, 1, 2);
    expect(m1.last_hidden_state.dims).toEqual([1, 50, 32]);
    expect(Array.from(values(m1.last_hidden_state))).not.toEqual(Array.from(values(m2.last_hidden_state)));

    const { bytes, report } = await prepareVitMae(masked);
    expect(report.join("\n")).toMatch(/RandomUniformLike .* → TopK .* → Slice .* → GatherElements/);
    expect(report.at(-1)).toMatch(/\[1, 197, 32\].*identical/);
    const ops = new Set(decodeModel(bytes).graph!.node!.map((n) => n.op_type));
    expect(ops.has("RandomUniformLike")).toBe(false);
    expect(ops.has("TopK")).toBe(false);

    const [p1, p2] = await runs(bytes, 2, 2);
    expect(p1.last_hidden_state.dims).toEqual([2, 197, 32]);
    expect(Array.from(values(p1.last_hidden_state))).toEqual(Array.from(values(p2.last_hidden_state)));
    await expectCleanModelOutput(p1.last_hidden_state);
    // the extra outputs stay valid for "nothing masked"
    expect(p1.mask.dims).toEqual([2, 196]);
    expect(values(p1.mask).every((v) => v === 0)).toBe(true);
    expect(p1.ids_restore.dims).toEqual([2, 196]);
    const ids = Array.from(p1.ids_restore.data as BigInt64Array, Number);
    expect(ids).toEqual([...Array.from({ length: 196 }, (_, i) => i), ...Array.from({ length: 196 }, (_, i) => i)]);
  });

  it("should also fix an export made with mask_ratio 0.0: 197 tokens, shuffled on every run", async () => {
    const shuffled = generateVitMae({ size: "tiny", seed: SEED, masking: "shuffle" });
    const [s1, s2] = await runs(shuffled, 1, 2);
    expect(s1.last_hidden_state.dims).toEqual([1, 197, 32]);
    expect(Array.from(values(s1.last_hidden_state))).not.toEqual(Array.from(values(s2.last_hidden_state)));

    const { bytes, report } = await prepareVitMae(shuffled);
    expect(report.join("\n")).toMatch(/keeps all 196 patches, shuffled on every run: an export with mask_ratio=0\.0/);
    const [p1, p2] = await runs(bytes, 2, 2);
    expect(Array.from(values(p1.last_hidden_state))).toEqual(Array.from(values(p2.last_hidden_state)));
    await expectCleanModelOutput(p1.last_hidden_state);
  });

  it("should report an already-clean model as such", async () => {
    const error = await prepareVitMae(generateVitMae({ size: "tiny", seed: SEED })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelAlreadyCleanError);
    expect((error as Error).message).toMatch(/already clean.*197 tokens/);
  });

  it("should refuse a random op that does not select patches", async () => {
    // the masked export with its TopK → Slice → GatherElements chain cut: the gather reads fixed indices
    const model = decodeModel(generateVitMae({ size: "tiny", seed: SEED, masking: true }));
    const gather = model.graph!.node!.find((n) => n.op_type === "GatherElements" && n.output![0] !== "mask" && !n.input![1].includes("TopK"))!;
    const expand = model.graph!.node!.find((n) => n.output![0] === gather.input![1])!;
    const unsqueeze = model.graph!.node!.find((n) => n.output![0] === expand.input![0])!;
    const slice = model.graph!.node!.find((n) => n.output![0] === unsqueeze.input![0])!;
    slice.input![0] = "fixed_ids";
    model.graph!.initializer!.push({ name: "fixed_ids", dims: [1, 196], data_type: 7, raw_data: new Uint8Array(new BigInt64Array(196).buffer) });
    const error = await prepareVitMae(encodeModel(model)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MaskingNotFoundError);
    expect(error).not.toBeInstanceOf(ModelAlreadyCleanError);
    expect((error as Error).message).toMatch(/no random masking subgraph/);
  });
});
