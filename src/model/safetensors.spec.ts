import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { SafetensorsError, SafetensorsFile, decodeFloats, encodeFloats, encodeSafetensors, parseSafetensorsHeader } from "./safetensors.ts";

const dir = mkdtempSync(path.join(os.tmpdir(), "vitrine-safetensors-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
function fileOf(bytes: Uint8Array): string {
  const file = path.join(dir, `t${n++}.safetensors`);
  writeFileSync(file, bytes);
  return file;
}

/** A file by hand: u64 LE header length, JSON header, data. */
function handMade(header: unknown, data: Uint8Array): Uint8Array {
  const json = Buffer.from(JSON.stringify(header));
  const out = Buffer.alloc(8 + json.length + data.length);
  out.writeBigUInt64LE(BigInt(json.length), 0);
  json.copy(out, 8);
  out.set(data, 8 + json.length);
  return out;
}

describe(SafetensorsFile.name, () => {
  it("should read a hand-written file: F32, F16 and BF16 tensors by offset, and the metadata", () => {
    const data = new Uint8Array(4 * 2 + 2 * 3 + 2 * 2);
    const view = new DataView(data.buffer);
    view.setFloat32(0, 1.5, true);
    view.setFloat32(4, -2, true);
    [0x3c00, 0xc000, 0x3555].forEach((h, i) => view.setUint16(8 + i * 2, h, true)); // 1, -2, 0.33325195
    [0x3f80, 0x4049].forEach((b, i) => view.setUint16(14 + i * 2, b, true)); // 1, 3.140625
    const file = SafetensorsFile.open(
      fileOf(
        handMade(
          {
            __metadata__: { format: "pt" },
            a: { dtype: "F32", shape: [2], data_offsets: [0, 8] },
            h: { dtype: "F16", shape: [1, 3], data_offsets: [8, 14] },
            b: { dtype: "BF16", shape: [2], data_offsets: [14, 18] },
          },
          data,
        ),
      ),
    );
    try {
      expect(file.names).toEqual(["a", "h", "b"]);
      expect(file.header.metadata).toEqual({ format: "pt" });
      expect(file.entry("h")).toMatchObject({ dtype: "F16", shape: [1, 3] });
      expect(Array.from(file.readFloat32("a"))).toEqual([1.5, -2]);
      expect(Array.from(file.readFloat32("h"))).toEqual([1, -2, 0.333251953125]);
      expect(Array.from(file.readFloat32("b"))).toEqual([1, 3.140625]);
      expect(() => file.readFloat32("missing")).toThrow(/no tensor "missing"/);
    } finally {
      file.close();
    }
  });

  it("should read back what encodeSafetensors wrote, F16 and BF16 rounded to nearest", () => {
    const values = Float32Array.from([0, 1, -1, 0.1, 65504, 1e-6, 3.3]);
    const file = SafetensorsFile.open(
      fileOf(encodeSafetensors({ f32: { dtype: "F32", shape: [7], values }, f16: { dtype: "F16", shape: [7], values }, bf16: { dtype: "BF16", shape: [7], values } })),
    );
    try {
      expect(file.readFloat32("f32")).toEqual(values);
      const f16 = file.readFloat32("f16");
      const bf16 = file.readFloat32("bf16");
      values.forEach((v, i) => {
        expect(Math.abs(f16[i] - v)).toBeLessThanOrEqual(Math.max(Math.abs(v) * 2 ** -11, 2 ** -25));
        expect(Math.abs(bf16[i] - v)).toBeLessThanOrEqual(Math.abs(v) * 2 ** -8);
      });
    } finally {
      file.close();
    }
  });

  it("should refuse a truncated file, naming the tensor", () => {
    const bytes = encodeSafetensors({ w: { dtype: "F32", shape: [4, 4], values: new Float32Array(16) } });
    expect(() => SafetensorsFile.open(fileOf(bytes.subarray(0, bytes.length - 10)))).toThrow(/tensor "w" ends at byte 64 .* truncated/);
    expect(() => SafetensorsFile.open(fileOf(bytes.subarray(0, 20)))).toThrow(SafetensorsError);
    expect(() => SafetensorsFile.open(fileOf(new Uint8Array(4)))).toThrow(/too short/);
  });
});

describe(parseSafetensorsHeader.name, () => {
  const header = (h: unknown): Uint8Array => Buffer.from(JSON.stringify(h));
  it("should refuse an entry whose byte length does not match dtype × shape", () => {
    expect(() => parseSafetensorsHeader(header({ w: { dtype: "F16", shape: [3], data_offsets: [0, 8] } }), 1000)).toThrow(/"w" \(F16 \[3\]\) should take 6 bytes/);
  });
  it("should refuse unknown dtypes, bad shapes, overlapping tensors and a non-object header", () => {
    expect(() => parseSafetensorsHeader(header({ w: { dtype: "F33", shape: [1], data_offsets: [0, 4] } }), 1000)).toThrow(/unknown dtype "F33"/);
    expect(() => parseSafetensorsHeader(header({ w: { dtype: "F32", shape: [-1], data_offsets: [0, 4] } }), 1000)).toThrow(/invalid shape/);
    expect(() =>
      parseSafetensorsHeader(header({ a: { dtype: "F32", shape: [2], data_offsets: [0, 8] }, b: { dtype: "F32", shape: [1], data_offsets: [4, 8] } }), 1000),
    ).toThrow(/"a" and "b" overlap/);
    expect(() => parseSafetensorsHeader(header([1, 2]), 1000)).toThrow(/not a JSON object/);
    expect(() => parseSafetensorsHeader(Buffer.from("{oops"), 1000)).toThrow(/not valid JSON/);
  });
});

describe(decodeFloats.name, () => {
  it("should decode F16 subnormals, infinities and NaN", () => {
    const bytes = new Uint8Array(8);
    const view = new DataView(bytes.buffer);
    [0x0001, 0x7c00, 0xfc00, 0x7e00].forEach((h, i) => view.setUint16(i * 2, h, true));
    const out = decodeFloats(bytes, "F16");
    expect(out[0]).toBe(2 ** -24);
    expect(out[1]).toBe(Infinity);
    expect(out[2]).toBe(-Infinity);
    expect(out[3]).toBeNaN();
  });
  it("should refuse integer dtypes", () => {
    expect(() => decodeFloats(new Uint8Array(4), "I32")).toThrow(/not a floating-point type/);
  });
  it("should round to nearest even when encoding F16", () => {
    // 1 + 2^-11 is halfway between 1 and the next half (1 + 2^-10): ties to the even mantissa, 1
    const bytes = encodeFloats(Float32Array.from([1 + 2 ** -11, 1 + 3 * 2 ** -11]), "F16");
    expect(Array.from(decodeFloats(bytes, "F16"))).toEqual([1, 1 + 2 * 2 ** -10]);
  });
});
