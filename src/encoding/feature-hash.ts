/**
 * Feature hashing with a stable 32-bit hash: FNV-1a over the UTF-8 bytes, finished with murmur3's
 * fmix32 so that every output bit depends on every input byte. The same string hashes the same on
 * every platform and in every release of this file (changing it is a new encoder version).
 */

const UTF8 = new TextEncoder();

/** FNV-1a (32-bit) of the UTF-8 bytes of `text`, seeded, mixed with murmur3 fmix32. Unsigned. */
export function stableHash32(text: string, seed = 0): number {
  let h = (0x811c9dc5 ^ Math.imul(seed + 1, 0x9e3779b1)) >>> 0;
  for (const byte of UTF8.encode(text)) {
    h ^= byte;
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * Adds `feature` to `target[offset .. offset+length)` by signed hashing: `probes` buckets, each with a
 * ±1 sign from an independent hash, each carrying `weight / √probes` (so the feature alone has norm
 * `weight`). Several probes make a full collision of two different features unlikely.
 */
export function addHashedFeature(
  target: Float32Array,
  offset: number,
  length: number,
  feature: string,
  weight = 1,
  probes = 2,
): void {
  const w = weight / Math.sqrt(probes);
  for (let p = 0; p < probes; p++) {
    const h = stableHash32(feature, 2 * p);
    const sign = stableHash32(feature, 2 * p + 1) & 1 ? 1 : -1;
    target[offset + (h % length)] += sign * w;
  }
}
