/**
 * The quality report: can the live generation's vectors be trusted? Measured on works held out by a
 * seeded split (queries), whose neighbours come from the other works (references):
 * - k-NN accuracy (majority of the k nearest) for department, medium category and century;
 * - same-artist precision@k (share of the k nearest by an artist of the query's);
 * - agreement@k with the raw-metadata neighbourhood (encoding/quality-metrics.ts, rawSimilarity);
 * for the full blend, the blend with each metadata group left out in turn, the image part alone (when
 * works have images) and a random baseline. Variants are made from the stored vectors by zeroing
 * parts and renormalising, which is the blend with those weights set to 0.
 *
 * Fairness: a target whose own group is an input of a variant (medium category ← medium group,
 * century ← time group, same artist ← artist group) is marked as such in that variant; the fair
 * figure for it is the variant without that group (`fair`). Department is no input of the vector.
 */
import type { MetadataGroupName } from "../ports/metadata-encoder.port.ts";
import type { VectorIndex } from "../ports/vector-index.port.ts";
import { keepSlices, majority, nearest, randomTable, rawSimilarity, seededSplit, type VectorTable, type WorkLabels } from "../encoding/quality-metrics.ts";
import { InvalidInputError, PayloadTooLargeError } from "../domain/errors.ts";
import { LRUCache } from "lru-cache";
import { centuryOf } from "./embedding-map.service.ts";
import type { EmbeddingGeneration } from "./embedding-generation.ts";
import type { IndexTarget } from "./similarity.service.ts";

/** What a measure predicts (department, medium category, century) or checks (same artist). */
export type QualityTarget = "department" | "mediumCategory" | "century" | "sameArtist";

/** The vector group whose input a target is, if any. */
export const TARGET_INPUT: Readonly<Record<QualityTarget, MetadataGroupName | null>> = { department: null, mediumCategory: "medium", century: "time", sameArtist: "artist" };

/** One measured variant of the vectors. */
export interface QualityVariant {
  /** "full", "without artist", …, "image only", "random". */
  readonly name: string;
  readonly description: string;
  /** Parts of the blend it keeps (empty for the random baseline). */
  readonly parts: readonly string[];
  readonly departmentAccuracy: number | null;
  readonly mediumCategoryAccuracy: number | null;
  readonly centuryAccuracy: number | null;
  readonly sameArtistPrecision: number | null;
  readonly metadataAgreement: number | null;
  /** Targets whose own group is an input of this variant (their figures here are not a fair test). */
  readonly targetsFromInputs: readonly QualityTarget[];
}

/** The fair figure of one target: from a variant without its input group. */
export interface FairFigure {
  readonly target: QualityTarget;
  readonly variant: string;
  readonly value: number | null;
  readonly random: number | null;
}

/** The whole report: the split, every variant's measures and the fair figure of each target. */
export interface QualityReport {
  readonly embeddingVersion: string;
  readonly seed: number;
  readonly holdout: number;
  readonly k: number;
  readonly works: number;
  readonly queries: number;
  readonly references: number;
  /** Queries that count for each target (those with a value; for same artist, with another work of the artist among the references). */
  readonly queriesPerTarget: Readonly<Record<QualityTarget, number>>;
  readonly hasImages: boolean;
  readonly variants: readonly QualityVariant[];
  readonly fair: readonly FairFigure[];
}

/** The split and the neighbourhood size. */
export interface QualityOptions {
  readonly seed: number;
  /** Share of works held out as queries, 0.05 … 0.5. */
  readonly holdout: number;
  /** Neighbours per query (1 … 50). */
  readonly k: number;
}

/** Seed 42, a fifth held out, 10 neighbours. */
export const DEFAULT_QUALITY_OPTIONS: QualityOptions = { seed: 42, holdout: 0.2, k: 10 };

/** Works the report reads at most (it holds their vectors in memory and compares queries with every reference). */
export const MAX_QUALITY_WORKS = 50_000;

const RANDOM_DIM = 64;

/** Lets other requests run when this computation has held the event loop for more than ~15 ms. */
function yielder(): () => Promise<void> {
  let since = performance.now();
  return async () => {
    if (performance.now() - since < 15) return;
    await new Promise((resolve) => setImmediate(resolve));
    since = performance.now();
  };
}

/** Measures the live generation's vectors and remembers the reports per generation. */
export class EmbeddingQualityService {
  private readonly cache = new LRUCache<string, Promise<QualityReport>>({ max: 4 });

  constructor(
    private readonly index: VectorIndex,
    private readonly target: IndexTarget,
  ) {}

  /** The report for the live generation (cached per generation, vector count and options). */
  async report(options: QualityOptions = DEFAULT_QUALITY_OPTIONS): Promise<QualityReport> {
    if (!(options.holdout >= 0.05 && options.holdout <= 0.5)) throw new InvalidInputError("holdout", `The held-out share must be from 0.05 to 0.5; got ${options.holdout}.`);
    if (!Number.isInteger(options.k) || options.k < 1 || options.k > 50) throw new InvalidInputError("k", `k must be a whole number from 1 to 50; got ${options.k}.`);
    const view = this.target.live();
    const collection = view.collection;
    const count = await this.index.count(collection);
    if (count > MAX_QUALITY_WORKS) {
      throw new PayloadTooLargeError(`The index holds ${count.toLocaleString("en")} works; the quality report reads at most ${MAX_QUALITY_WORKS.toLocaleString("en")} (it holds their vectors in memory). Import a sample into a data folder of its own and run \`vitrine eval\` there.`);
    }
    const key = JSON.stringify([collection, view.versionKey, count, options]);
    let entry = this.cache.get(key);
    if (!entry) {
      entry = this.compute(view, options);
      this.cache.set(key, entry);
      entry.catch(() => this.cache.delete(key));
    }
    return entry;
  }

  private async compute(view: EmbeddingGeneration, options: QualityOptions): Promise<QualityReport> {
    const { table, labels } = await this.readAll(view.collection);
    const { seed, holdout, k } = options;
    const { queries, references } = seededSplit(table.rows, holdout, seed);
    const layout = view.layout;
    const imageSlice = layout.parts.find((p) => p.name === "image")!;
    let hasImages = false;
    for (let r = 0; r < table.rows && !hasImages; r++) {
      for (let j = imageSlice.offset; j < imageSlice.offset + imageSlice.length; j++) if (table.data[r * table.dim + j] !== 0) (hasImages = true), (j = Infinity);
    }

    // each variant's table is made when it is measured and dropped after (one copy of the vectors at a time)
    const variants: { name: string; description: string; parts: string[]; table: () => VectorTable }[] = [];
    const all = layout.parts.map((p) => p.name as string);
    variants.push({ name: "full", description: "The stored blend: image (when present) and every metadata group.", parts: all, table: () => table });
    for (const g of layout.parts.filter((p) => p.name !== "image")) {
      const kept = layout.parts.filter((p) => p !== g);
      variants.push({ name: `without ${g.name}`, description: `The blend with the ${g.name} group's weight set to 0.`, parts: kept.map((p) => p.name), table: () => keepSlices(table, kept) });
    }
    if (hasImages) variants.push({ name: "image only", description: "The image embedding alone.", parts: ["image"], table: () => keepSlices(table, [imageSlice]) });
    variants.push({ name: "random", description: `Seeded random unit vectors (${RANDOM_DIM} dimensions): what chance gives.`, parts: [], table: () => randomTable(table.rows, RANDOM_DIM, seed + 1) });

    // the raw-metadata neighbourhood of each query, once: the k-th best raw similarity
    const refSet = references;
    const pause = yielder();
    const rawKth = new Map<number, number>();
    const artistQueries = new Set<number>();
    const refArtists = new Set(refSet.flatMap((r) => labels[r].artistKeys));
    for (const q of queries) {
      const scores = refSet.map((r) => rawSimilarity(labels[q], labels[r])).sort((a, b) => b - a);
      rawKth.set(q, scores[Math.min(k, scores.length) - 1] ?? Infinity);
      if (labels[q].artistKeys.some((a) => refArtists.has(a))) artistQueries.add(q);
      await pause();
    }
    const counted = {
      department: queries.filter((q) => labels[q].department !== null).length,
      mediumCategory: queries.filter((q) => labels[q].mediumCategory !== null).length,
      century: queries.filter((q) => labels[q].century !== null).length,
      sameArtist: artistQueries.size,
    };

    const measured: QualityVariant[] = [];
    for (const v of variants) {
      let dep = 0, med = 0, cen = 0, artist = 0, agree = 0;
      const vectors = v.table();
      for (const q of queries) {
        const near = nearest(vectors, q, refSet, k);
        const vote = (get: (l: WorkLabels) => string | null): string | null => majority(near.map((r) => get(labels[r])).filter((x): x is string => x !== null));
        const l = labels[q];
        if (l.department !== null && vote((x) => x.department) === l.department) dep++;
        if (l.mediumCategory !== null && vote((x) => x.mediumCategory) === l.mediumCategory) med++;
        if (l.century !== null && vote((x) => (x.century === null ? null : String(x.century))) === String(l.century)) cen++;
        if (artistQueries.has(q)) artist += near.filter((r) => labels[r].artistKeys.some((a) => l.artistKeys.includes(a))).length / k;
        const kth = rawKth.get(q)!;
        agree += near.filter((r) => rawSimilarity(l, labels[r]) >= kth).length / k;
        await pause();
      }
      const share = (x: number, n: number) => (n > 0 ? x / n : null);
      measured.push({
        name: v.name,
        description: v.description,
        parts: v.name === "random" ? [] : v.parts,
        departmentAccuracy: share(dep, counted.department),
        mediumCategoryAccuracy: share(med, counted.mediumCategory),
        centuryAccuracy: share(cen, counted.century),
        sameArtistPrecision: share(artist, counted.sameArtist),
        metadataAgreement: share(agree, queries.length),
        targetsFromInputs: (Object.keys(TARGET_INPUT) as QualityTarget[]).filter((t) => TARGET_INPUT[t] !== null && v.parts.includes(TARGET_INPUT[t]!)),
      });
    }

    const value = (variant: string, t: QualityTarget): number | null => {
      const m = measured.find((x) => x.name === variant);
      if (!m) return null;
      return t === "department" ? m.departmentAccuracy : t === "mediumCategory" ? m.mediumCategoryAccuracy : t === "century" ? m.centuryAccuracy : m.sameArtistPrecision;
    };
    const fair = (Object.keys(TARGET_INPUT) as QualityTarget[]).map((t) => {
      const variant = TARGET_INPUT[t] === null ? "full" : `without ${TARGET_INPUT[t]}`;
      return { target: t, variant, value: value(variant, t), random: value("random", t) };
    });

    return {
      embeddingVersion: view.versionKey,
      seed,
      holdout,
      k,
      works: table.rows,
      queries: queries.length,
      references: references.length,
      queriesPerTarget: counted,
      hasImages,
      variants: measured,
      fair,
    };
  }

  /** Every vector of the collection (in id order) and its work's labels. */
  private async readAll(collection: string): Promise<{ table: VectorTable; labels: WorkLabels[] }> {
    const ids: string[] = [];
    for (let after: string | null = null; ; ) {
      const page = await this.index.ids(collection, after, 10_000);
      if (page.length === 0) break;
      ids.push(...page);
      after = page[page.length - 1];
    }
    const labels: WorkLabels[] = [];
    let dim = 0;
    let data = new Float32Array(0);
    let rows = 0;
    for (let i = 0; i < ids.length; i += 1000) {
      const chunk = ids.slice(i, i + 1000);
      const got = new Map((await this.index.get(collection, chunk)).map((p) => [p.id, p]));
      for (const id of chunk) {
        const p = got.get(id);
        if (!p) continue;
        if (dim === 0) (dim = p.vector.length), (data = new Float32Array(ids.length * dim));
        data.set(p.vector, rows * dim);
        const year = p.payload.yearStart ?? p.payload.yearEnd;
        labels.push({ department: p.payload.department, mediumCategory: p.payload.mediumCategory, century: centuryOf(year), artistKeys: p.payload.artistKeys, year });
        rows++;
      }
    }
    return { table: { rows, dim, data: data.subarray(0, rows * dim) }, labels };
  }
}
