/**
 * The index thread's answers, made cheap for the API thread to receive (ThreadedVectorIndex): every
 * vector of an answer in one transferred buffer.
 */
/** Objects reachable from a result (arrays, hits, groups: at most 3 levels down) that hold a `vector`. */
function vectorHolders(value: unknown, depth: number, out: { vector: Float32Array }[]): void {
  if (depth > 3 || value === null || typeof value !== "object" || ArrayBuffer.isView(value)) return;
  if (Array.isArray(value)) {
    for (const item of value) vectorHolders(item, depth + 1, out);
    return;
  }
  const record = value as Record<string, unknown>;
  if (record.vector instanceof Float32Array) out.push(record as { vector: Float32Array });
  if (Array.isArray(record.hits)) vectorHolders(record.hits, depth + 1, out);
}

/**
 * Moves every vector of an answer into one buffer that is handed over rather than copied, each vector
 * becoming a view of it. Cloned one by one, 400 candidate vectors (a diverse ranking's) are 400
 * ArrayBuffers for the API thread to make and later collect, in the same turn as every other answer
 * waiting: measured, that held the API's event loop for 50–190 ms at a time; one buffer, 6–7 ms. Every
 * holder is an object made for this answer (withVectors, VectorIndex.get), so it is changed in place.
 */
export function packVectors(result: unknown): ArrayBuffer[] {
  const holders: { vector: Float32Array }[] = [];
  vectorHolders(result, 0, holders);
  if (holders.length < 2) return [];
  let length = 0;
  for (const h of holders) length += h.vector.length;
  const packed = new Float32Array(length);
  let offset = 0;
  for (const h of holders) {
    packed.set(h.vector, offset);
    h.vector = packed.subarray(offset, offset + h.vector.length);
    offset += h.vector.length;
  }
  return [packed.buffer];
}
