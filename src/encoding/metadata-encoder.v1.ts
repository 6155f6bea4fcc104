/**
 * Metadata encoder, version "meta-v1": 368 floats in six groups, each L2-normalised on its own
 * (an empty group is all zeros). Changing any constant here changes vectors: make a new version.
 *
 * | group      | offset | length | contents |
 * | ---------- | -----: | -----: | -------- |
 * | artist     |      0 |    128 | 104 signed-hash buckets of each credited artist's key (3 probes) ·√0.8, 24 of each nationality (2 probes) ·√0.2 |
 * | medium     |    128 |     64 | 16 one-hot MEDIUM_CATEGORIES (unknown → "other") ·√0.5, 48 hashed technique words (2 probes) ·√0.5 |
 * | time       |    192 |     48 | Gaussian RBF of the year on a warped scale (below), averaged over the year range |
 * | provenance |    240 |     64 | 56 hashed normalised owner and place names (3 probes) ·√0.7, 8 acquisition-method counts ·√0.3 |
 * | size       |    304 |     32 | RBF of log10 area cm² (12) ·√0.35, log10 height cm (10) ·√0.25, log2 w/h (8) ·√0.25, flat/3-D (2) ·√0.15 |
 * | palette    |    336 |     32 | soft histogram of the dominant colours over 32 CIE Lab centres, weighted by share |
 *
 * Several probes per feature (each ±1/√probes) make a full collision of two different artists
 * unlikely: with 3 probes in 104 buckets about 7 in 10 million pairs; a partial one gives cos ±1/3.
 *
 * Each "·√f" sub-part is first normalised on its own, so f is its share of the group's squared norm
 * (e.g. same artist key but another nationality: cos 0.8). When a sub-part is empty the group is
 * renormalised and the others take its share.
 *
 * Time scale: u(y) = (y − 1400)/25 from 1400 on, (y − 1400)/100 between 600 and 1400, and
 * −8 + (y − 600)/500 before 600; centres at u = −16 … 31 (−3400 … 2175), σ = 1.25 in u. So one
 * centre per 25 years since 1400, per century in the middle ages, per 500 years in antiquity; years
 * 10 apart after 1400 have cos ≈ 0.97, 50 apart ≈ 0.53, 100 apart ≈ 0.08.
 */
import { MEDIUM_CATEGORIES } from "../domain/artwork.ts";
import type {
  MetadataEncoder,
  MetadataGroupName,
  MetadataGroupSlice,
  MetadataInput,
  MetadataLayout,
} from "../ports/metadata-encoder.port.ts";
import { parseHex, rgbToLab } from "./colour.ts";
import type { Lab } from "./colour.ts";
import { addHashedFeature } from "./feature-hash.ts";
import { normaliseInPlace } from "./normalise.ts";
import { normaliseName, techniqueWords } from "./text-tokens.ts";

/** The version string stored with every vector this encoder makes. */
export const META_V1_VERSION = "meta-v1" as const;

const ARTIST_KEY = 104;
const ARTIST_NATIONALITY = 24;
const MEDIUM_CATEGORY = MEDIUM_CATEGORIES.length; // 16
const MEDIUM_WORDS = 48;
const TIME_CENTRES = 48;
const PROV_NAMES = 56;
const SIZE_AREA = 12;
const SIZE_HEIGHT = 10;
const SIZE_ASPECT = 8;
const SIZE_SHAPE = 2;
const PALETTE_CENTRES_N = 32;

/** Acquisition methods one-hot in the provenance group, in slot order (the catalogue's method vocabulary). */
export const ACQUISITION_METHODS = [
  "gift",
  "purchase",
  "bequest",
  "auction",
  "by descent",
  "exchange",
  "commission",
  "transfer",
] as const;

const GROUP_LENGTHS: Readonly<Record<MetadataGroupName, number>> = {
  artist: ARTIST_KEY + ARTIST_NATIONALITY,
  medium: MEDIUM_CATEGORY + MEDIUM_WORDS,
  time: TIME_CENTRES,
  provenance: PROV_NAMES + ACQUISITION_METHODS.length,
  size: SIZE_AREA + SIZE_HEIGHT + SIZE_ASPECT + SIZE_SHAPE,
  palette: PALETTE_CENTRES_N,
};

function buildLayout(): MetadataLayout {
  const groups: MetadataGroupSlice[] = [];
  let offset = 0;
  for (const name of ["artist", "medium", "time", "provenance", "size", "palette"] as const) {
    groups.push({ name, offset, length: GROUP_LENGTHS[name] });
    offset += GROUP_LENGTHS[name];
  }
  return Object.freeze({ version: META_V1_VERSION, dimension: offset, groups: Object.freeze(groups) });
}

/** The group layout of "meta-v1" vectors (offsets and lengths as in the table above). */
export const META_V1_LAYOUT: MetadataLayout = buildLayout();

/** Length of a "meta-v1" vector: 368. */
export const META_V1_DIMENSION: number = META_V1_LAYOUT.dimension;

const OFFSET = Object.fromEntries(META_V1_LAYOUT.groups.map((g) => [g.name, g.offset])) as Record<MetadataGroupName, number>;

// ---------- time ----------

/** The first RBF centre on the warped scale; the centres run on to TIME_U_MIN + TIME_CENTRES − 1 (addRbf clamps to them). */
const TIME_U_MIN = -16;
const TIME_SIGMA = 1.25;

/** The warped time coordinate of a year (one unit = one RBF centre spacing). */
export function warpYear(year: number): number {
  if (year >= 1400) return (year - 1400) / 25;
  if (year >= 600) return (year - 1400) / 100;
  return -8 + (year - 600) / 500;
}

function addRbf(v: Float32Array, offset: number, n: number, first: number, step: number, sigma: number, x: number, w: number): void {
  const clamped = Math.min(first + step * (n - 1), Math.max(first, x));
  for (let i = 0; i < n; i++) {
    const d = (clamped - (first + step * i)) / sigma;
    v[offset + i] += w * Math.exp(-0.5 * d * d);
  }
}

function encodeTime(v: Float32Array, start: number | null | undefined, end: number | null | undefined): void {
  const a = Number.isFinite(start) ? (start as number) : Number.isFinite(end) ? (end as number) : null;
  const b = Number.isFinite(end) ? (end as number) : a;
  if (a === null || b === null) return;
  const lo = Math.min(a, b);
  const hi = Math.max(a, b);
  const span = warpYear(hi) - warpYear(lo);
  const samples = lo === hi ? 1 : Math.min(64, Math.max(2, Math.ceil(span / 0.25) + 1));
  for (let s = 0; s < samples; s++) {
    const year = samples === 1 ? lo : lo + ((hi - lo) * s) / (samples - 1);
    addRbf(v, OFFSET.time, TIME_CENTRES, TIME_U_MIN, 1, TIME_SIGMA, warpYear(year), 1 / samples);
  }
  normaliseInPlace(v, OFFSET.time, TIME_CENTRES);
}

// ---------- sub-part helper ----------

/** Normalises each sub-part on its own, scales it by √share, then normalises the whole group. */
function finishGroup(v: Float32Array, offset: number, parts: readonly (readonly [number, number])[]): void {
  let o = offset;
  for (const [length, share] of parts) {
    if (normaliseInPlace(v, o, length) > 0) {
      const s = Math.sqrt(share);
      for (let i = o; i < o + length; i++) v[i] *= s;
    }
    o += length;
  }
  normaliseInPlace(v, offset, o - offset);
}

// ---------- artist ----------

function encodeArtists(v: Float32Array, work: MetadataInput): void {
  const keys = new Set<string>();
  const nationalities = new Set<string>();
  for (const a of work.artists ?? []) {
    const key = a.key?.trim();
    if (key) keys.add(key);
    const nat = a.nationality ? normaliseName(a.nationality) : "";
    if (nat) nationalities.add(nat);
  }
  const o = OFFSET.artist;
  for (const key of keys) addHashedFeature(v, o, ARTIST_KEY, key, 1, 3);
  for (const nat of nationalities) addHashedFeature(v, o + ARTIST_KEY, ARTIST_NATIONALITY, nat);
  finishGroup(v, o, [
    [ARTIST_KEY, 0.8],
    [ARTIST_NATIONALITY, 0.2],
  ]);
}

// ---------- medium ----------

function encodeMedium(v: Float32Array, work: MetadataInput): void {
  const o = OFFSET.medium;
  const category = work.mediumCategory?.trim().toLowerCase();
  if (category) {
    const i = (MEDIUM_CATEGORIES as readonly string[]).indexOf(category);
    v[o + (i >= 0 ? i : MEDIUM_CATEGORIES.indexOf("other"))] = 1;
  }
  for (const word of work.medium ? techniqueWords(work.medium) : []) addHashedFeature(v, o + MEDIUM_CATEGORY, MEDIUM_WORDS, word);
  finishGroup(v, o, [
    [MEDIUM_CATEGORY, 0.5],
    [MEDIUM_WORDS, 0.5],
  ]);
}

// ---------- provenance ----------

function encodeProvenance(v: Float32Array, work: MetadataInput): void {
  const o = OFFSET.provenance;
  const names = new Set<string>();
  for (const p of work.provenance ?? []) {
    const owner = p.owner ? normaliseName(p.owner) : "";
    if (owner) names.add(`owner:${owner}`);
    const place = p.place ? normaliseName(p.place) : "";
    if (place) names.add(`place:${place}`);
    const method = p.method?.trim().toLowerCase().replace(/\s+/g, " ");
    const m = method ? (ACQUISITION_METHODS as readonly string[]).indexOf(method) : -1;
    if (m >= 0) v[o + PROV_NAMES + m] += 1;
  }
  for (const name of names) addHashedFeature(v, o, PROV_NAMES, name, 1, 3);
  finishGroup(v, o, [
    [PROV_NAMES, 0.7],
    [ACQUISITION_METHODS.length, 0.3],
  ]);
}

// ---------- size ----------

function positive(x: number | null | undefined): number | null {
  return typeof x === "number" && Number.isFinite(x) && x > 0 ? x : null;
}

function encodeSize(v: Float32Array, work: MetadataInput): void {
  const o = OFFSET.size;
  const diameter = positive(work.diameterCm);
  const width = positive(work.widthCm) ?? diameter;
  const height = positive(work.heightCm) ?? diameter;
  const depth = positive(work.depthCm);
  if (width !== null && height !== null) {
    addRbf(v, o, SIZE_AREA, 0, 0.5, 0.5, Math.log10(width * height), 1);
    addRbf(v, o + SIZE_AREA + SIZE_HEIGHT, SIZE_ASPECT, -2, 4 / 7, 4 / 7, Math.log2(width / height), 1);
  }
  if (height !== null) addRbf(v, o + SIZE_AREA, SIZE_HEIGHT, 0, 1 / 3, 1 / 3, Math.log10(height), 1);
  const shape = o + SIZE_AREA + SIZE_HEIGHT + SIZE_ASPECT;
  if (depth !== null) v[shape + 1] = 1;
  else if (width !== null || height !== null) v[shape] = 1;
  finishGroup(v, o, [
    [SIZE_AREA, 0.35],
    [SIZE_HEIGHT, 0.25],
    [SIZE_ASPECT, 0.25],
    [SIZE_SHAPE, 0.15],
  ]);
}

// ---------- palette ----------

function lch(l: number, c: number, hDeg: number): Lab {
  const h = (hDeg * Math.PI) / 180;
  return [l, c * Math.cos(h), c * Math.sin(h)];
}

/** The 32 Lab centres of the palette histogram: 4 greys, 3 lightnesses × 8 hues at chroma 35, 4 vivid hues. */
const PALETTE_CENTRES: readonly Lab[] = [
  ...[10, 35, 60, 85].map((l): Lab => [l, 0, 0]),
  ...[35, 60, 85].flatMap((l) => [0, 45, 90, 135, 180, 225, 270, 315].map((h) => lch(l, 35, h))),
  lch(50, 90, 40), // red
  lch(85, 90, 100), // yellow
  lch(70, 90, 140), // green
  lch(35, 90, 300), // blue
];
const PALETTE_SIGMA = 15;

function encodePalette(v: Float32Array, work: MetadataInput): void {
  const o = OFFSET.palette;
  const logits = new Float64Array(PALETTE_CENTRES_N);
  for (const colour of work.palette ?? []) {
    const rgb = typeof colour?.hex === "string" ? parseHex(colour.hex) : null;
    const weight = colour?.weight;
    if (!rgb || typeof weight !== "number" || !Number.isFinite(weight) || weight <= 0) continue;
    const lab = rgbToLab(rgb);
    let max = -Infinity;
    for (let i = 0; i < PALETTE_CENTRES_N; i++) {
      const c = PALETTE_CENTRES[i];
      const d2 = (lab[0] - c[0]) ** 2 + (lab[1] - c[1]) ** 2 + (lab[2] - c[2]) ** 2;
      logits[i] = -d2 / (2 * PALETTE_SIGMA * PALETTE_SIGMA);
      if (logits[i] > max) max = logits[i];
    }
    let sum = 0;
    for (let i = 0; i < PALETTE_CENTRES_N; i++) sum += (logits[i] = Math.exp(logits[i] - max));
    for (let i = 0; i < PALETTE_CENTRES_N; i++) v[o + i] += (weight * logits[i]) / sum;
  }
  normaliseInPlace(v, o, PALETTE_CENTRES_N);
}

/**
 * The "meta-v1" metadata encoder (layout in this file's header). Pure: the same input gives the same
 * bytes, and no input (unseen artists, owners, categories, odd years) changes the length.
 */
export class MetadataEncoderV1 implements MetadataEncoder {
  readonly version = META_V1_VERSION;
  readonly dimension = META_V1_DIMENSION;
  readonly layout = META_V1_LAYOUT;

  /** Encodes one work; see the file header for what each group holds. */
  encode(work: MetadataInput): Float32Array {
    const v = new Float32Array(META_V1_DIMENSION);
    encodeArtists(v, work);
    encodeMedium(v, work);
    encodeTime(v, work.yearStart, work.yearEnd);
    encodeProvenance(v, work);
    encodeSize(v, work);
    encodePalette(v, work);
    return v;
  }
}
