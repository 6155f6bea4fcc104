/**
 * Provenance research: which works have years without a documented owner in a span (the Nazi-era
 * question, 1933–1945 by default), and which works passed through the same hands as a given work.
 *
 * Coverage of a history (entries in order), a year at a time, read conservatively (a year counts as
 * documented only when the entries say who held the work then):
 * - an entry with no year documents nothing;
 * - it starts at its yearStart, else at its yearEnd ("until 1941" documents 1941 itself);
 * - it ends at its yearEnd, else when the next entry starts (the next recorded acquisition, when that
 *   entry has a yearStart), else, for the last entry (the current holder), never; otherwise at its start.
 * The span examined for a work begins no earlier than the work was made (yearStart, else yearEnd);
 * works made after the span are skipped. A gap is a run of span years no entry covers, reported with
 * the entry that ends before it and the one that starts after it (null when there is none).
 */
import type { ArtworkRow, CatalogueStore } from "../ports/catalogue-store.port.ts";
import type { ProvenanceEvent } from "../domain/artwork.ts";
import { InvalidInputError, NotFoundError } from "../domain/errors.ts";
import { ownerKey } from "../domain/owner-name.ts";

/** Years [from, to] of an entry's documented holding; to is Infinity for a current holder. */
export interface Coverage {
  readonly from: number;
  readonly to: number;
}

/** A run of years without a documented owner, with the entries on either side. */
export interface ProvenanceGapSpan {
  readonly from: number;
  readonly to: number;
  readonly before: ProvenanceEvent | null;
  readonly after: ProvenanceEvent | null;
}

/** A work with gaps in the span, and how many years they add up to. */
export interface ProvenanceGapWork {
  readonly work: ArtworkRow;
  readonly gaps: readonly ProvenanceGapSpan[];
  readonly uncoveredYears: number;
}

export interface ProvenanceGapPage {
  readonly items: readonly { readonly cursor: string; readonly node: ProvenanceGapWork }[];
  readonly hasNextPage: boolean;
  /** Where the next page starts; null when every work has been looked at. */
  readonly endCursor: string | null;
}

/** A work that shares owners with the query work. */
export interface SharedProvenanceWork {
  readonly work: ArtworkRow;
  /** Σ ln(N / df) over the shared owners: rarer owners count more. */
  readonly score: number;
  /** The shared owners' names as the query work's history writes them, rarest first. */
  readonly sharedOwners: readonly string[];
}

export const PROVENANCE_LIMITS = { defaultPage: 20, maxPage: 100, defaultSimilar: 10, maxSimilar: 50, scanPerPage: 5000, scanBatch: 500 } as const;

/** What each entry of a history documents (null for an entry without a year), by the rules above. */
export function coverageOf(events: readonly ProvenanceEvent[]): (Coverage | null)[] {
  return events.map((e, i) => {
    const from = e.yearStart ?? e.yearEnd;
    if (from === null) return null;
    const next = events[i + 1];
    const to = e.yearEnd ?? (next ? next.yearStart : Infinity) ?? from;
    return { from, to: Math.max(to, from) };
  });
}

/** The years of [from, to] no entry covers, as runs, with the entries on either side. */
export function provenanceGaps(events: readonly ProvenanceEvent[], from: number, to: number): ProvenanceGapSpan[] {
  const cover = coverageOf(events);
  const gaps: ProvenanceGapSpan[] = [];
  let start: number | null = null;
  const close = (end: number) => {
    if (start === null) return;
    const s = start;
    let before: ProvenanceEvent | null = null;
    let after: ProvenanceEvent | null = null;
    cover.forEach((c, i) => {
      if (c && c.to < s) before = events[i];
      if (c && c.from > end && !after) after = events[i];
    });
    gaps.push({ from: s, to: end, before, after });
    start = null;
  };
  for (let y = from; y <= to; y++) {
    const covered = cover.some((c) => c !== null && c.from <= y && y <= c.to);
    if (!covered && start === null) start = y;
    if (covered) close(y - 1);
  }
  close(to);
  return gaps;
}

function encodeCursor(id: string): string {
  return Buffer.from(`gap:${id}`).toString("base64url");
}

function decodeCursor(cursor: string): string {
  const text = Buffer.from(cursor, "base64url").toString("utf8");
  const id = text.startsWith("gap:") ? text.slice(4) : "";
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw new InvalidInputError("after", "This cursor is not from provenanceGap; pass the `endCursor` of the previous page.");
  return id;
}

function checkSize(value: number | undefined, fallback: number, max: number, field: string): number {
  const n = value ?? fallback;
  if (!Number.isInteger(n) || n < 1 || n > max) throw new InvalidInputError(field, `\`${field}\` must be a whole number from 1 to ${max}; got ${n}.`);
  return n;
}

export class ProvenanceResearchService {
  constructor(private readonly store: CatalogueStore) {}

  /**
   * Works (in id order) with undocumented years in [from, to]. Looks at up to 5,000 works per call:
   * a page can hold fewer than `first` works while `hasNextPage` is true; continue with `endCursor`.
   */
  async gaps(args: { from?: number; to?: number; first?: number; after?: string }): Promise<ProvenanceGapPage> {
    const from = args.from ?? 1933;
    const to = args.to ?? 1945;
    if (to < from) throw new InvalidInputError("to", `\`to\` (${to}) must not come before \`from\` (${from}).`);
    if (to - from > 1000) throw new InvalidInputError("to", "The span may cover at most 1,000 years.");
    const first = checkSize(args.first, PROVENANCE_LIMITS.defaultPage, PROVENANCE_LIMITS.maxPage, "first");
    let after = args.after ? decodeCursor(args.after) : null;
    const items: { cursor: string; node: ProvenanceGapWork }[] = [];
    let scanned = 0;
    while (scanned < PROVENANCE_LIMITS.scanPerPage) {
      const ids = await this.store.artworkIdsAfter(after, PROVENANCE_LIMITS.scanBatch);
      if (ids.length === 0) return { items, hasNextPage: false, endCursor: null };
      const [rows, histories] = await Promise.all([this.store.artworksByIds(ids), this.store.provenanceByArtworkIds(ids)]);
      for (const [i, id] of ids.entries()) {
        after = id;
        scanned++;
        const work = rows[i];
        if (!work) continue;
        const made = work.yearStart ?? work.yearEnd;
        const spanFrom = made === null ? from : Math.max(from, made);
        if (spanFrom > to) continue;
        const gaps = provenanceGaps(histories[i], spanFrom, to);
        if (gaps.length === 0) continue;
        items.push({ cursor: encodeCursor(id), node: { work, gaps, uncoveredYears: gaps.reduce((n, g) => n + g.to - g.from + 1, 0) } });
        if (items.length === first) return { items, hasNextPage: true, endCursor: encodeCursor(id) };
      }
    }
    return { items, hasNextPage: true, endCursor: after ? encodeCursor(after) : null };
  }

  /** Works that passed through the same hands as work `id`, rarer shared owners counting more, best first. */
  async similar(id: string, first: number | undefined): Promise<SharedProvenanceWork[]> {
    const k = checkSize(first, PROVENANCE_LIMITS.defaultSimilar, PROVENANCE_LIMITS.maxSimilar, "first");
    const [history] = await this.store.provenanceByArtworkIds([id]);
    const [self] = await this.store.artworksByIds([id]);
    if (!self) throw new NotFoundError(`No work with id ${id}.`, "id");
    const names = new Map<string, string>();
    for (const e of history) {
      const key = ownerKey(e.owner);
      if (key && e.owner && !names.has(key)) names.set(key, e.owner);
    }
    const rows = await this.store.worksSharingOwners(id, k);
    const works = await this.store.artworksByIds(rows.map((r) => r.artworkId));
    return rows.flatMap((r, i) => {
      const work = works[i];
      return work ? [{ work, score: r.score, sharedOwners: r.ownerKeys.map((key) => names.get(key) ?? key) }] : [];
    });
  }
}
