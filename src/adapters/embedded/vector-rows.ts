/**
 * The vectors of a collection by slot, as the exact ranking reads them: f32, or f16 (half the memory).
 * A quantized graph only picks candidates; their scores come from these rows, so their precision is
 * the precision of every score. f16 keeps 11 significant bits: on 1,136-float unit vectors a cosine
 * moves by ~1e-4 at most (measured in bench/similarity.ts against f32). Rows are read through a
 * 65,536-entry table (f16 bits → f32), written through @petamoriken/float16 (round to nearest even).
 */
import { Float16Array } from "@petamoriken/float16";
import type { VectorPrecision } from "../../config/config.ts";

export type RowData = Float32Array | Uint16Array;

let table: Float32Array | null = null;
/**
 * f16 bits → their f32 value, for every bit pattern (built once, 256 KB). Negative zero (a tiny negative
 * value rounded away) reads as 0, as an f32 vector would have held it.
 */
function f16Table(): Float32Array {
  if (!table) {
    table = Float32Array.from(new Float16Array(Uint16Array.from({ length: 65_536 }, (_, i) => i).buffer));
    table[0x8000] = 0;
  }
  return table;
}

/** The f16 bits of each value (rounded to nearest even). */
export function toF16Bits(values: Float32Array): Uint16Array {
  return new Uint16Array(new Float16Array(values).buffer);
}

/** The f32 values of f16 bits. */
export function fromF16Bits(bits: Uint16Array): Float32Array {
  const decode = f16Table();
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) out[i] = decode[bits[i]];
  return out;
}

export class VectorRows {
  private data: RowData;
  private readonly decode: Float32Array | null;

  constructor(
    readonly dimension: number,
    readonly precision: VectorPrecision,
    data?: RowData,
  ) {
    if (data && (data instanceof Float32Array) !== (precision === "f32")) throw new TypeError(`Rows of ${precision} need a ${precision === "f32" ? "Float32Array" : "Uint16Array"}.`);
    this.data = data ?? (precision === "f32" ? new Float32Array(dimension * 64) : new Uint16Array(dimension * 64));
    this.decode = precision === "f16" ? f16Table() : null;
  }

  /** The first `slots` rows as stored (for snapshots). */
  stored(slots: number): RowData {
    return this.data.subarray(0, slots * this.dimension);
  }

  /** Stores a vector in a slot (rounded to f16 when the rows are f16). */
  set(slot: number, vector: Float32Array): void {
    this.ensureCapacity(slot + 1);
    this.data.set(this.decode ? toF16Bits(vector) : vector, slot * this.dimension);
  }

  clear(slot: number): void {
    this.data.fill(0, slot * this.dimension, (slot + 1) * this.dimension);
  }

  /** A copy of a slot's vector, as f32. */
  read(slot: number): Float32Array {
    const o = slot * this.dimension;
    if (!this.decode) return (this.data as Float32Array).slice(o, o + this.dimension);
    const out = new Float32Array(this.dimension);
    this.readInto(slot, out, 0);
    return out;
  }

  /** Writes a slot's vector as f32 into `out` at `offset`. */
  readInto(slot: number, out: Float32Array, offset: number): void {
    const o = slot * this.dimension;
    const d = this.dimension;
    const decode = this.decode;
    if (!decode) {
      out.set(this.data.subarray(o, o + d), offset);
      return;
    }
    const bits = this.data as Uint16Array;
    for (let i = 0; i < d; i++) out[offset + i] = decode[bits[o + i]];
  }

  dot(query: Float32Array, slot: number): number {
    const d = this.dimension;
    const o = slot * d;
    let s = 0;
    const decode = this.decode;
    if (decode) {
      const bits = this.data as Uint16Array;
      for (let i = 0; i < d; i++) s += query[i] * decode[bits[o + i]];
    } else {
      const v = this.data as Float32Array;
      for (let i = 0; i < d; i++) s += query[i] * v[o + i];
    }
    return s;
  }

  norm(slot: number): number {
    const d = this.dimension;
    const o = slot * d;
    let s = 0;
    const decode = this.decode;
    for (let i = 0; i < d; i++) {
      const x = decode ? decode[(this.data as Uint16Array)[o + i]] : (this.data as Float32Array)[o + i];
      s += x * x;
    }
    return Math.sqrt(s);
  }

  private ensureCapacity(slots: number): void {
    const needed = slots * this.dimension;
    if (needed <= this.data.length) return;
    // grow by a quarter: a served collection of 100k gains a few works, not a second copy of its rows
    const length = Math.max(needed, Math.ceil(this.data.length * 1.25));
    const grown = this.data instanceof Float32Array ? new Float32Array(length) : new Uint16Array(length);
    grown.set(this.data);
    this.data = grown;
  }
}
