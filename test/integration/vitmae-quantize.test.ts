/**
 * The int8 encoder (issue 12, item 6): `quantizeDynamicInt8` on the generated tiny ViTMAE runs in
 * onnxruntime with the same interface, and embeds real images (photo-like JPEGs, a gradient PNG) in
 * nearly the same direction as the fp32 model.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OnnxImageEncoder } from "../../src/adapters/onnx/onnx-image-encoder.ts";
import { DataType, decodeModel, toNumber } from "../../src/model/onnx-proto.ts";
import { generateVitMae } from "../../src/model/vitmae-generator.ts";
import { NothingToQuantizeError, quantizeDynamicInt8 } from "../../src/model/vitmae-quantize.ts";
import { gradientRgb, photoLikeRgb, toJpeg, toPng } from "../support/images.ts";
import { cosine } from "../../src/encoding/normalise.ts";


describe(quantizeDynamicInt8.name, () => {
  let dir: string;
  const fp32 = generateVitMae({ size: "tiny", seed: 5 });
  let int8: { bytes: Uint8Array; report: string[] };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "vitrine-int8-"));
    int8 = await quantizeDynamicInt8(fp32);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("should replace every MatMul with a constant weight by an int8 DynamicQuantizeMatMul and keep the graph's inputs and outputs", () => {
    const before = decodeModel(fp32).graph!;
    const after = decodeModel(int8.bytes).graph!;
    const constantMatMuls = before.node!.filter((n) => n.op_type === "MatMul" && before.initializer!.some((t) => t.name === n.input![1]));
    expect(constantMatMuls).toHaveLength(2 * 6); // tiny: 2 layers × (q, k, v, attention output, MLP in, MLP out)
    const quantized = after.node!.filter((n) => n.op_type === "DynamicQuantizeMatMul");
    expect(quantized).toHaveLength(constantMatMuls.length);
    expect(quantized.every((n) => n.domain === "com.microsoft")).toBe(true);
    for (const node of quantized) {
      const weight = after.initializer!.find((t) => t.name === node.input![1])!;
      expect(weight.data_type).toBe(DataType.INT8);
      const scale = after.initializer!.find((t) => t.name === node.input![2])!;
      expect(scale.dims!.map(toNumber)).toEqual([toNumber(weight.dims![1])]); // one scale per output column
    }
    // the attention's two activation MatMuls per layer stay float
    expect(after.node!.filter((n) => n.op_type === "MatMul")).toHaveLength(2 * 2);
    expect(after.initializer!.some((t) => t.data_type === DataType.FLOAT && t.name!.endsWith("query.weight"))).toBe(false);
    expect(JSON.stringify(after.input)).toBe(JSON.stringify(before.input));
    expect(JSON.stringify(after.output)).toBe(JSON.stringify(before.output));
    expect(int8.report.join("\n")).toMatch(/12 MatMuls .*DynamicQuantizeMatMul/);
  });

  it("should embed real images in nearly the same direction as the fp32 model", async () => {
    await writeFile(path.join(dir, "fp32.onnx"), fp32);
    await writeFile(path.join(dir, "int8.onnx"), int8.bytes);
    const a = await OnnxImageEncoder.open(path.join(dir, "fp32.onnx"));
    const b = await OnnxImageEncoder.open(path.join(dir, "int8.onnx")); // open() checks the 197-token output
    try {
      expect(b.dimension).toBe(a.dimension);
      const images = [await toPng(gradientRgb(320, 240))];
      for (let i = 0; i < 7; i++) images.push(await toJpeg(photoLikeRgb(400, 300, 40 + i), 90));
      const [va, vb] = await Promise.all([a.encodeBatch(images), b.encodeBatch(images)]);
      const cosines = va.map((v, i) => cosine(v, vb[i]));
      const mean = cosines.reduce((s, c) => s + c, 0) / cosines.length;
      console.log(`int8 ↔ fp32 cosine on ${cosines.length} images (tiny model): mean ${mean.toFixed(6)}, min ${Math.min(...cosines).toFixed(6)}`);
      expect(Math.min(...cosines)).toBeGreaterThan(0.98);
      expect(mean).toBeGreaterThan(0.99);
      // not the fp32 model under another name: the int8 rounding moves the embeddings ...
      expect(va.some((v, i) => v.some((x, j) => x !== vb[i][j]))).toBe(true);
      // ... by far less than what tells two images apart
      let closestPair = Infinity;
      for (let i = 0; i < va.length; i++) for (let j = i + 1; j < va.length; j++) closestPair = Math.min(closestPair, 1 - cosine(va[i], va[j]));
      expect(Math.max(...cosines.map((c) => 1 - c))).toBeLessThan(closestPair / 10);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it("should refuse a graph with nothing left to quantize", async () => {
    await expect(quantizeDynamicInt8(int8.bytes)).rejects.toBeInstanceOf(NothingToQuantizeError);
  });
});
