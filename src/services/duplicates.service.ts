/**
 * Duplicate candidates for curators, found through the vector index (k nearest neighbours per work),
 * never by comparing every pair:
 * - IMAGE: two works whose images are identical (same SHA-256) or nearly so (cosine of the image
 *   parts of their stored vectors ≥ threshold) while their records differ in title, artists or
 *   attribution (the artists' roles): one image catalogued twice, or credited to two people.
 * - RECORD: two records that describe the same work, typically imported under two source ids: the same
 *   normalised title, artists and dates, or metadata parts with cosine ≥ threshold. Candidates are each
 *   work's nearest neighbours by the metadata part, so identical descriptions are found among them.
 * Works are scanned in id order; a pair (a, b) is reported once, when a (the smaller id) is scanned,
 * with b among a's neighbours or sharing a's image. A page scans at most DUPLICATE_LIMITS.scanPerPage
 * works, so it may hold fewer pairs than asked while hasNextPage is true.
 */
import type { Artwork } from "../domain/artwork.ts";
import { foldText, nameKeyOf } from "../domain/artist-identity.ts";
import { InvalidInputError } from "../domain/errors.ts";
import type { BlendLayout } from "../encoding/blend.ts";
import { dotSlice, l2Norm } from "../encoding/normalise.ts";
import type { CatalogueStore } from "../ports/catalogue-store.port.ts";
import type { VectorIndex } from "../ports/vector-index.port.ts";
import type { IndexTarget } from "./similarity.service.ts";

export type DuplicateKind = "IMAGE" | "RECORD";

/** Why a pair is a candidate. */
export type DuplicateMatch = "IDENTICAL_IMAGE" | "SIMILAR_IMAGE" | "SAME_DESCRIPTION" | "SIMILAR_DESCRIPTION";

/** The record fields compared between the two works of a pair, in this order. */
export const COMPARED_FIELDS = ["title", "artists", "attribution", "dates", "medium", "classification", "department", "dimensions", "accessionNumber", "creditLine", "image"] as const;
export type ComparedField = (typeof COMPARED_FIELDS)[number];

/** A candidate pair: `first` has the smaller id. */
export interface DuplicatePair {
  readonly first: Artwork;
  readonly second: Artwork;
  /** 1 for identical images; else the cosine of the compared parts (image for IMAGE, metadata for RECORD). */
  readonly score: number;
  readonly match: DuplicateMatch;
  /** The compared fields whose values differ (COMPARED_FIELDS order). */
  readonly differingFields: readonly ComparedField[];
}

export interface DuplicatePage {
  readonly items: readonly { readonly cursor: string; readonly node: DuplicatePair }[];
  readonly hasNextPage: boolean;
  readonly endCursor: string | null;
}

export const DUPLICATE_LIMITS = {
  defaultPage: 20,
  maxPage: 100,
  /**
   * Default thresholds per kind (cosines, 0 … 1). Image: a re-encoded copy scores above 0.99 while
   * distinct pictures reach 0.95 with the tiny test model, so 0.98.
   */
  defaultThreshold: { IMAGE: 0.98, RECORD: 0.95 } as Readonly<Record<DuplicateKind, number>>,
  /** Nearest neighbours looked at per work. */
  neighbours: 10,
  scanPerPage: 2000,
  scanBatch: 100,
} as const;

/** The fields of a and b that differ (text compared unaccented, case- and space-insensitively). */
export function differingFields(a: Artwork, b: Artwork): ComparedField[] {
  const text = (s: string | null) => (s === null ? "" : foldText(s).replace(/\s+/g, " ").trim());
  const artists = (w: Artwork) => w.artists.map((c) => nameKeyOf(c.artist.name)).join("|");
  const roles = (w: Artwork) => w.artists.map((c) => text(c.role)).join("|");
  const values = (w: Artwork): Record<ComparedField, string> => ({
    title: text(w.title),
    artists: artists(w),
    attribution: roles(w),
    dates: `${text(w.dateText)}|${w.yearStart}|${w.yearEnd}`,
    medium: text(w.medium),
    classification: text(w.classification),
    department: text(w.department),
    dimensions: text(w.dimensionsText),
    accessionNumber: text(w.accessionNumber),
    creditLine: text(w.creditLine),
    image: w.image?.sha256 ?? "",
  });
  const va = values(a);
  const vb = values(b);
  return COMPARED_FIELDS.filter((f) => va[f] !== vb[f]);
}

/** Same normalised title, artists (in order) and years: two records of one work. */
export function sameDescription(a: Artwork, b: Artwork): boolean {
  const key = (w: Artwork) => [foldText(w.title).replace(/[^\p{L}\p{N}]+/gu, " ").trim(), w.artists.map((c) => nameKeyOf(c.artist.name)).join("|"), w.yearStart, w.yearEnd].join("\u0000");
  return key(a) === key(b);
}

const RECORD_FIELDS: readonly ComparedField[] = ["title", "artists", "attribution"];

function encodeCursor(first: string, second: string): string {
  return Buffer.from(`dup:${first}:${second}`).toString("base64url");
}

const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

/** A cursor is the last pair returned (a work scanned to the end has second = "~"). */
function decodeCursor(cursor: string): { first: string; second: string } {
  const m = new RegExp(`^dup:(${UUID}):(${UUID}|~)$`, "i").exec(Buffer.from(cursor, "base64url").toString("utf8"));
  if (!m) throw new InvalidInputError("after", "This cursor is not from duplicateCandidates; pass the `endCursor` of the previous page.");
  return { first: m[1].toLowerCase(), second: m[2].toLowerCase() };
}

/** Cosine of the slice [offset, offset + length) of two vectors; 0 when either slice is zeros. */
function sliceCosine(a: Float32Array, b: Float32Array, offset: number, length: number): number {
  const na = l2Norm(a, offset, length);
  const nb = l2Norm(b, offset, length);
  return na > 0 && nb > 0 ? dotSlice(a, b, offset, length) / (na * nb) : 0;
}

/** A candidate before the records are compared. */
interface Candidate {
  readonly id: string;
  readonly score: number;
  readonly identical: boolean;
}

export class DuplicatesService {
  constructor(
    private readonly index: VectorIndex,
    private readonly target: IndexTarget,
    private readonly store: CatalogueStore,
  ) {}

  /** One page of candidate pairs of `kind`, in (first id, second id) order. */
  async candidates(args: { kind: DuplicateKind; threshold?: number | null; first?: number | null; after?: string | null }): Promise<DuplicatePage> {
    const threshold = args.threshold ?? DUPLICATE_LIMITS.defaultThreshold[args.kind];
    if (!(threshold >= 0 && threshold <= 1)) throw new InvalidInputError("threshold", `\`threshold\` is a cosine from 0 to 1; got ${threshold}.`);
    const first = args.first ?? DUPLICATE_LIMITS.defaultPage;
    if (!Number.isInteger(first) || first < 1 || first > DUPLICATE_LIMITS.maxPage) {
      throw new InvalidInputError("first", `\`first\` must be a whole number from 1 to ${DUPLICATE_LIMITS.maxPage}; got ${first}.`);
    }
    const resume = args.after ? decodeCursor(args.after) : null;
    this.target.assertLive();
    const { collection, layout } = this.target.live();

    const items: { cursor: string; node: DuplicatePair }[] = [];
    let scanned = 0;
    // the resumed work is scanned again, skipping the pairs already returned
    let pending: string[] = resume && resume.second !== "~" ? [resume.first] : [];
    let after = resume ? resume.first : null;
    while (scanned < DUPLICATE_LIMITS.scanPerPage) {
      const ids = [...pending, ...(await this.store.artworkIdsAfter(after, DUPLICATE_LIMITS.scanBatch))];
      pending = [];
      if (ids.length === 0) return { items, hasNextPage: false, endCursor: items.at(-1)?.cursor ?? null };
      const found = await this.candidatesOf(ids, args.kind, threshold, collection, layout);
      const works = new Map((await this.store.loadArtworks([...new Set([...ids, ...found.flat().map((c) => c.id)])])).map((w) => [w.id, w]));
      for (const [i, id] of ids.entries()) {
        scanned++;
        after = id;
        const a = works.get(id);
        if (!a) continue;
        const skipUpTo = resume && resume.first === id ? resume.second : "";
        for (const c of found[i]) {
          if (c.id <= skipUpTo) continue;
          const b = works.get(c.id);
          if (!b) continue;
          const pair = this.judge(a, b, c, args.kind, threshold);
          if (!pair) continue;
          items.push({ cursor: encodeCursor(id, c.id), node: pair });
          if (items.length === first) return { items, hasNextPage: true, endCursor: encodeCursor(id, c.id) };
        }
        if (scanned >= DUPLICATE_LIMITS.scanPerPage) break;
      }
    }
    return { items, hasNextPage: true, endCursor: after ? encodeCursor(after, "~") : null };
  }

  /** The pair as a candidate of `kind`, or null when it is not one. */
  private judge(a: Artwork, b: Artwork, c: Candidate, kind: DuplicateKind, threshold: number): DuplicatePair | null {
    const differing = differingFields(a, b);
    if (kind === "IMAGE") {
      if (!differing.some((f) => RECORD_FIELDS.includes(f))) return null;
      return { first: a, second: b, score: c.identical ? 1 : c.score, match: c.identical ? "IDENTICAL_IMAGE" : "SIMILAR_IMAGE", differingFields: differing };
    }
    if (sameDescription(a, b)) return { first: a, second: b, score: c.score, match: "SAME_DESCRIPTION", differingFields: differing };
    return c.score >= threshold ? { first: a, second: b, score: c.score, match: "SIMILAR_DESCRIPTION", differingFields: differing } : null;
  }

  /**
   * For each id, the works with a greater id that may pair with it, by id: for IMAGE those sharing
   * its image bytes and its image-part neighbours at or above the threshold; for RECORD its
   * metadata-part neighbours (judged later by description or threshold).
   */
  private async candidatesOf(ids: readonly string[], kind: DuplicateKind, threshold: number, collection: string, layout: BlendLayout): Promise<Candidate[][]> {
    const [offset, length] = kind === "IMAGE" ? [0, layout.imageDimension] : [layout.imageDimension, layout.metadata.dimension];
    const [points, sharing] = await Promise.all([this.index.get(collection, ids), kind === "IMAGE" ? this.store.artworkIdsSharingImage(ids) : Promise.resolve(ids.map(() => []))]);
    const vectors = new Map(points.map((p) => [p.id, p]));
    return Promise.all(
      ids.map(async (id, i) => {
        const byId = new Map<string, Candidate>();
        for (const other of sharing[i]) if (other > id) byId.set(other, { id: other, score: 1, identical: true });
        const point = vectors.get(id);
        if (point && (kind === "RECORD" || point.payload.hasImage) && l2Norm(point.vector, offset, length) > 0) {
          // the query is the work's vector with every other part zeroed: the index ranks by this part
          const query = new Float32Array(point.vector.length);
          query.set(point.vector.subarray(offset, offset + length), offset);
          const hits = await this.index.search(collection, {
            vector: query,
            k: DUPLICATE_LIMITS.neighbours,
            excludeIds: [id],
            withVectors: true,
            ...(kind === "IMAGE" ? { filter: { hasImage: true } } : {}),
          });
          for (const h of hits) {
            if (h.id <= id || byId.has(h.id) || !h.vector) continue;
            const score = sliceCosine(point.vector, h.vector, offset, length);
            if (kind === "RECORD" || score >= threshold) byId.set(h.id, { id: h.id, score, identical: false });
          }
        }
        return [...byId.values()].sort((x, y) => (x.id < y.id ? -1 : 1));
      }),
    );
  }
}
