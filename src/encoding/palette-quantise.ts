/**
 * Colour quantisation for palettes: weighted k-means in CIE Lab over the distinct colours of a small
 * pixel sample, seeded k-means++ with a fixed seed, so the same pixels always give the same palette.
 */
import type { PaletteColour } from "../domain/artwork.ts";
import { rgbToHex, rgbToLab } from "./colour.ts";
import { mulberry32 } from "./seeded-random.ts";

/** How a palette is quantised. */
export interface QuantiseOptions {
  /** Most colours returned (default 5). */
  readonly maxColours?: number;
  /** Seed of the k-means++ initialisation (default 1). */
  readonly seed?: number;
  /** Most Lloyd iterations (default 30); stops earlier once no colour changes cluster. */
  readonly maxIterations?: number;
}

/**
 * The dominant colours of interleaved 8-bit RGB pixels (3 bytes each): up to `maxColours` clusters,
 * each as the mean sRGB colour of its pixels with the share of pixels it holds. Shares sum to 1;
 * sorted by share (largest first), then by hex. No pixels → an empty palette.
 */
export function quantisePalette(rgb: Uint8Array, options: QuantiseOptions = {}): PaletteColour[] {
  const maxColours = Math.max(1, Math.floor(options.maxColours ?? 5));
  const maxIterations = options.maxIterations ?? 30;
  if (rgb.length % 3 !== 0) throw new RangeError(`Expected 3 bytes per pixel; got ${rgb.length} bytes.`);
  const pixels = rgb.length / 3;
  if (pixels === 0) return [];

  // distinct colours with their counts, in a fixed order (by 24-bit value) so the result does not
  // depend on where pixels are in the image
  const counts = new Map<number, number>();
  for (let i = 0; i < rgb.length; i += 3) {
    const key = (rgb[i] << 16) | (rgb[i + 1] << 8) | rgb[i + 2];
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const keys = [...counts.keys()].sort((a, b) => a - b);
  const n = keys.length;
  const weight = new Float64Array(n);
  const lab = new Float64Array(n * 3);
  const srgb = new Float64Array(n * 3);
  keys.forEach((key, i) => {
    const c = [(key >> 16) & 255, (key >> 8) & 255, key & 255] as const;
    const l = rgbToLab(c);
    weight[i] = counts.get(key)!;
    lab.set(l, i * 3);
    srgb.set(c, i * 3);
  });

  const k = Math.min(maxColours, n);
  const centres = new Float64Array(k * 3);
  const dist2 = (i: number, c: number) => {
    const d0 = lab[i * 3] - centres[c * 3];
    const d1 = lab[i * 3 + 1] - centres[c * 3 + 1];
    const d2 = lab[i * 3 + 2] - centres[c * 3 + 2];
    return d0 * d0 + d1 * d1 + d2 * d2;
  };

  // k-means++: first centre the most frequent colour, then by weight × squared distance (seeded)
  const random = mulberry32(options.seed ?? 1);
  let first = 0;
  for (let i = 1; i < n; i++) if (weight[i] > weight[first]) first = i;
  centres.set(lab.subarray(first * 3, first * 3 + 3), 0);
  const nearest = new Float64Array(n).fill(Infinity);
  for (let c = 1; c < k; c++) {
    let total = 0;
    for (let i = 0; i < n; i++) {
      nearest[i] = Math.min(nearest[i], dist2(i, c - 1));
      total += weight[i] * nearest[i];
    }
    let pick = n - 1;
    let r = random() * total;
    for (let i = 0; i < n; i++) {
      r -= weight[i] * nearest[i];
      if (r < 0) {
        pick = i;
        break;
      }
    }
    centres.set(lab.subarray(pick * 3, pick * 3 + 3), c * 3);
  }

  // Lloyd iterations
  const assign = new Int32Array(n).fill(-1);
  for (let iter = 0; iter < maxIterations; iter++) {
    let changed = false;
    for (let i = 0; i < n; i++) {
      let best = 0;
      let bestD = dist2(i, 0);
      for (let c = 1; c < k; c++) {
        const d = dist2(i, c);
        if (d < bestD) {
          best = c;
          bestD = d;
        }
      }
      if (assign[i] !== best) {
        assign[i] = best;
        changed = true;
      }
    }
    if (!changed) break;
    const sum = new Float64Array(k * 4);
    for (let i = 0; i < n; i++) {
      const c = assign[i];
      for (let j = 0; j < 3; j++) sum[c * 4 + j] += weight[i] * lab[i * 3 + j];
      sum[c * 4 + 3] += weight[i];
    }
    for (let c = 0; c < k; c++) {
      if (sum[c * 4 + 3] > 0) for (let j = 0; j < 3; j++) centres[c * 3 + j] = sum[c * 4 + j] / sum[c * 4 + 3];
    }
  }

  // each cluster: mean sRGB of its pixels and its share
  const acc = new Float64Array(k * 4);
  for (let i = 0; i < n; i++) {
    const c = assign[i];
    for (let j = 0; j < 3; j++) acc[c * 4 + j] += weight[i] * srgb[i * 3 + j];
    acc[c * 4 + 3] += weight[i];
  }
  const out: PaletteColour[] = [];
  for (let c = 0; c < k; c++) {
    const w = acc[c * 4 + 3];
    if (w === 0) continue;
    out.push({ hex: rgbToHex([acc[c * 4] / w, acc[c * 4 + 1] / w, acc[c * 4 + 2] / w]), weight: w / pixels });
  }
  return out.sort((a, b) => b.weight - a.weight || (a.hex < b.hex ? -1 : a.hex > b.hex ? 1 : 0));
}
