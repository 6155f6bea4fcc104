/**
 * The safetensors file format (github.com/huggingface/safetensors), as the Hugging Face Hub stores
 * model weights: an unsigned 64-bit little-endian header length N, N bytes of JSON
 * `{name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__"?: {string: string}}`, then the
 * tensor bytes (little-endian, row-major), offsets counted from the end of the header.
 *
 * The reader opens the file once and reads each tensor at its offset when asked, so a 448 MB (or
 * 2.5 GB) checkpoint is never held in memory at once. F32, F16 and BF16 tensors are read as
 * float32. The writer builds a whole file in memory: it is meant for tests and small files.
 */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { endianness } from "node:os";

/** Bytes per element of the dtypes the format defines. */
const DTYPE_BYTES: Readonly<Record<string, number>> = {
  BOOL: 1,
  U8: 1,
  I8: 1,
  F8_E4M3: 1,
  F8_E5M2: 1,
  I16: 2,
  U16: 2,
  F16: 2,
  BF16: 2,
  I32: 4,
  U32: 4,
  F32: 4,
  I64: 8,
  U64: 8,
  F64: 8,
};

/** The dtypes readFloat32 converts. */
export const FLOAT_DTYPES = ["F32", "F16", "BF16"] as const;
/** A floating-point dtype vitrine reads and writes. */
export type FloatDtype = (typeof FLOAT_DTYPES)[number];

/** Largest header accepted (the format's own readers stop at 100 MB). */
const MAX_HEADER_BYTES = 100 * 1024 * 1024;

/** A file that is not valid safetensors, or a tensor that cannot be read; the message names the file and the tensor. */
export class SafetensorsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SafetensorsError";
  }
}

/** One tensor's entry in the header. */
export interface SafetensorsEntry {
  readonly name: string;
  readonly dtype: string;
  readonly shape: readonly number[];
  /** Byte offsets in the file (already shifted past the header). */
  readonly begin: number;
  readonly end: number;
}

/** A parsed header: the tensors by name and the optional `__metadata__`. */
export interface SafetensorsHeader {
  readonly tensors: ReadonlyMap<string, SafetensorsEntry>;
  readonly metadata: Readonly<Record<string, string>>;
  /** Where the tensor data starts: 8 + header length. */
  readonly dataStart: number;
}

const isNatural = (n: unknown): n is number => typeof n === "number" && Number.isSafeInteger(n) && n >= 0;

/**
 * Checks and parses the JSON header (`headerBytes`) of a file of `fileSize` bytes: every entry has a
 * known dtype, a shape of natural numbers, offsets inside the data section whose length matches
 * dtype × shape, and no two tensors overlap.
 */
export function parseSafetensorsHeader(headerBytes: Uint8Array, fileSize: number, label = "safetensors file"): SafetensorsHeader {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(headerBytes));
  } catch (e) {
    throw new SafetensorsError(`${label}: the header is not valid JSON (${e instanceof Error ? e.message : String(e)}).`);
  }
  if (!json || typeof json !== "object" || Array.isArray(json)) throw new SafetensorsError(`${label}: the header is not a JSON object.`);
  const dataStart = 8 + headerBytes.length;
  const dataSize = fileSize - dataStart;
  const tensors = new Map<string, SafetensorsEntry>();
  let metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(json as Record<string, unknown>)) {
    if (name === "__metadata__") {
      if (!value || typeof value !== "object" || Array.isArray(value) || Object.values(value).some((v) => typeof v !== "string")) {
        throw new SafetensorsError(`${label}: "__metadata__" must map names to strings.`);
      }
      metadata = value as Record<string, string>;
      continue;
    }
    const e = value as { dtype?: unknown; shape?: unknown; data_offsets?: unknown } | null;
    const dtype = e?.dtype;
    if (typeof dtype !== "string" || !(dtype in DTYPE_BYTES)) throw new SafetensorsError(`${label}: tensor "${name}" has an unknown dtype ${JSON.stringify(dtype)}.`);
    if (!Array.isArray(e?.shape) || !e.shape.every(isNatural)) throw new SafetensorsError(`${label}: tensor "${name}" has an invalid shape ${JSON.stringify(e?.shape)}.`);
    const offsets = e.data_offsets;
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isNatural) || offsets[0] > offsets[1]) {
      throw new SafetensorsError(`${label}: tensor "${name}" has invalid data_offsets ${JSON.stringify(offsets)}.`);
    }
    const shape = e.shape as number[];
    const expected = shape.reduce((a, b) => a * b, 1) * DTYPE_BYTES[dtype];
    if (offsets[1] - offsets[0] !== expected) {
      throw new SafetensorsError(`${label}: tensor "${name}" (${dtype} [${shape.join(", ")}]) should take ${expected} bytes; its data_offsets give ${offsets[1] - offsets[0]}.`);
    }
    if (offsets[1] > dataSize) {
      throw new SafetensorsError(`${label}: tensor "${name}" ends at byte ${offsets[1]} of the data but the file holds ${Math.max(0, dataSize)}: the file is truncated.`);
    }
    tensors.set(name, { name, dtype, shape, begin: dataStart + offsets[0], end: dataStart + offsets[1] });
  }
  const sorted = [...tensors.values()].sort((a, b) => a.begin - b.begin);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i].begin < sorted[i - 1].end) throw new SafetensorsError(`${label}: tensors "${sorted[i - 1].name}" and "${sorted[i].name}" overlap.`);
  }
  return { tensors, metadata, dataStart };
}

const LITTLE_ENDIAN = endianness() === "LE";

/** IEEE half-precision bits → float. */
function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** Little-endian bytes of a float tensor → float32 values. */
export function decodeFloats(bytes: Uint8Array, dtype: string): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (dtype === "F32") {
    // one copy on little-endian machines (all that Node supports in practice), element by element otherwise
    if (LITTLE_ENDIAN) return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    const out = new Float32Array(bytes.byteLength / 4);
    for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
    return out;
  }
  if (dtype === "F16") {
    const out = new Float32Array(bytes.byteLength / 2);
    for (let i = 0; i < out.length; i++) out[i] = halfToFloat(view.getUint16(i * 2, true));
    return out;
  }
  if (dtype === "BF16") {
    // bfloat16 is the upper half of a float32
    const bits = new Uint32Array(bytes.byteLength / 2);
    for (let i = 0; i < bits.length; i++) bits[i] = view.getUint16(i * 2, true) << 16;
    return new Float32Array(bits.buffer);
  }
  throw new SafetensorsError(`dtype ${dtype} is not a floating-point type vitrine reads (${FLOAT_DTYPES.join(", ")}).`);
}

/** An open safetensors file; tensors are read on demand. Close it when done. */
export class SafetensorsFile {
  private constructor(
    private readonly fd: number,
    /** The file's path (used in messages). */
    readonly path: string,
    readonly header: SafetensorsHeader,
  ) {}

  /** Opens `file` and parses its header (SafetensorsError when it is not a safetensors file). */
  static open(file: string): SafetensorsFile {
    const fd = openSync(file, "r");
    try {
      const size = fstatSync(fd).size;
      const head = Buffer.alloc(8);
      if (size < 8 || readSync(fd, head, 0, 8, 0) !== 8) throw new SafetensorsError(`${file}: too short to be a safetensors file (${size} bytes).`);
      const length = head.readBigUInt64LE(0);
      if (length > BigInt(MAX_HEADER_BYTES) || Number(length) > size - 8) {
        throw new SafetensorsError(`${file}: the header length ${length} does not fit the file (${size} bytes): not a safetensors file, or a truncated one.`);
      }
      const headerBytes = Buffer.alloc(Number(length));
      readSync(fd, headerBytes, 0, headerBytes.length, 8);
      return new SafetensorsFile(fd, file, parseSafetensorsHeader(headerBytes, size, file));
    } catch (e) {
      closeSync(fd);
      throw e;
    }
  }

  /** The tensor names, in header order. */
  get names(): string[] {
    return [...this.header.tensors.keys()];
  }

  /** A tensor's entry, or undefined. */
  entry(name: string): SafetensorsEntry | undefined {
    return this.header.tensors.get(name);
  }

  /** A tensor's raw little-endian bytes. */
  readBytes(name: string): Uint8Array {
    const e = this.header.tensors.get(name);
    if (!e) throw new SafetensorsError(`${this.path}: no tensor "${name}".`);
    const out = Buffer.alloc(e.end - e.begin);
    let done = 0;
    while (done < out.length) {
      const n = readSync(this.fd, out, done, out.length - done, e.begin + done);
      if (n === 0) throw new SafetensorsError(`${this.path}: tensor "${name}" is cut short: the file is truncated.`);
      done += n;
    }
    return out;
  }

  /** A F32, F16 or BF16 tensor's values as float32 (row-major). */
  readFloat32(name: string): Float32Array {
    const e = this.header.tensors.get(name);
    if (!e) throw new SafetensorsError(`${this.path}: no tensor "${name}".`);
    if (!(FLOAT_DTYPES as readonly string[]).includes(e.dtype)) {
      throw new SafetensorsError(`${this.path}: tensor "${name}" is ${e.dtype}; vitrine reads ${FLOAT_DTYPES.join(", ")} weights.`);
    }
    return decodeFloats(this.readBytes(name), e.dtype);
  }

  /** Releases the file handle. */
  close(): void {
    closeSync(this.fd);
  }
}

/** A tensor for encodeSafetensors: raw little-endian bytes of `dtype`, or float32 values written as F32/F16/BF16. */
export type SafetensorsInput =
  | { readonly dtype: string; readonly shape: readonly number[]; readonly bytes: Uint8Array }
  | { readonly dtype: FloatDtype; readonly shape: readonly number[]; readonly values: Float32Array };

/** float → IEEE half bits, rounded to nearest even (subnormals and overflow to ±Infinity included). */
function floatToHalf(value: number): number {
  const f32 = new Float32Array([value]);
  const x = new Uint32Array(f32.buffer)[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let half = mant >>> shift;
    const rest = mant & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    if (rest > mid || (rest === mid && half & 1)) half++;
    return sign | half;
  }
  let half = (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && half & 1)) half++;
  return sign | half;
}

/** float32 values → little-endian bytes of F32, F16 or BF16 (round to nearest even). */
export function encodeFloats(values: Float32Array, dtype: FloatDtype): Uint8Array {
  if (dtype === "F32") {
    const out = new Uint8Array(values.length * 4);
    const view = new DataView(out.buffer);
    values.forEach((v, i) => view.setFloat32(i * 4, v, true));
    return out;
  }
  const out = new Uint8Array(values.length * 2);
  const view = new DataView(out.buffer);
  if (dtype === "F16") {
    values.forEach((v, i) => view.setUint16(i * 2, floatToHalf(v), true));
    return out;
  }
  const bits = new Uint32Array(Float32Array.from(values).buffer);
  bits.forEach((b, i) => {
    const rounded = Number.isNaN(values[i]) ? b | 0x400000 : b + 0x7fff + ((b >>> 16) & 1);
    view.setUint16(i * 2, (rounded >>> 16) & 0xffff, true);
  });
  return out;
}

/** A whole safetensors file in memory (tensors in the given order, header padded to 8 bytes as the reference writer does). */
export function encodeSafetensors(tensors: Readonly<Record<string, SafetensorsInput>>, metadata?: Readonly<Record<string, string>>): Uint8Array {
  const header: Record<string, unknown> = {};
  if (metadata) header.__metadata__ = metadata;
  const parts: Uint8Array[] = [];
  let offset = 0;
  for (const [name, t] of Object.entries(tensors)) {
    const bytes = "values" in t ? encodeFloats(t.values, t.dtype) : t.bytes;
    header[name] = { dtype: t.dtype, shape: [...t.shape], data_offsets: [offset, offset + bytes.length] };
    parts.push(bytes);
    offset += bytes.length;
  }
  let json = JSON.stringify(header);
  json += " ".repeat((8 - ((8 + Buffer.byteLength(json)) % 8)) % 8);
  const head = Buffer.from(json, "utf8");
  const out = new Uint8Array(8 + head.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(head.length), true);
  out.set(head, 8);
  let pos = 8 + head.length;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}
