/** Small vector helpers over slices of Float32Array (no allocation unless stated). */

/** Euclidean norm of `v[offset .. offset+length)`. */
export function l2Norm(v: ArrayLike<number>, offset = 0, length = v.length - offset): number {
  let s = 0;
  for (let i = offset; i < offset + length; i++) s += v[i] * v[i];
  return Math.sqrt(s);
}

/**
 * Scales `v[offset .. offset+length)` to unit norm in place and returns the norm it had. A slice whose
 * norm is zero or not finite is set to zeros (so an empty group stays zeros and never becomes NaN).
 */
export function normaliseInPlace(v: Float32Array, offset = 0, length = v.length - offset): number {
  const n = l2Norm(v, offset, length);
  if (!(n > 0) || !Number.isFinite(n)) {
    v.fill(0, offset, offset + length);
    return 0;
  }
  for (let i = offset; i < offset + length; i++) v[i] /= n;
  return n;
}

/** Dot product of the same slice of two vectors. */
export function dotSlice(a: ArrayLike<number>, b: ArrayLike<number>, offset = 0, length = a.length - offset): number {
  let s = 0;
  for (let i = offset; i < offset + length; i++) s += a[i] * b[i];
  return s;
}

/** Cosine similarity of two whole vectors; 0 when either is all zeros. */
export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return na > 0 && nb > 0 ? dot / Math.sqrt(na * nb) : 0;
}

