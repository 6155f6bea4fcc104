/**
 * Facets: how many works matching a filter fall under each medium category, department,
 * classification, period, artist nationality, acquisition method and has-image. Each facet is one
 * GROUP BY in the database (CatalogueStore.artworkFacet), asked for only when a client selects it.
 */
import { InvalidInputError } from "../domain/errors.ts";
import type { ArtworkFacetName, ArtworkFilter, CatalogueStore, FacetBucket } from "../ports/catalogue-store.port.ts";
import { checkArtworkFilter } from "./artwork-filter.check.ts";

/** Values a facet lists by default, and at most. */
export const FACET_VALUES = { default: 20, max: 200 } as const;

/** A period bucket: a decade from 1400 on, a century before; all null for undated works. */
export interface PeriodBucket {
  readonly from: number | null;
  readonly to: number | null;
  /** "1850s", "1300–1399", "500–401 BCE"; null for undated works. */
  readonly label: string | null;
  readonly count: number;
}

/** The period a stored PERIOD facet value (its first year) stands for. */
export function periodOf(value: string | null, count: number): PeriodBucket {
  if (value === null) return { from: null, to: null, label: null, count };
  const from = Number(value);
  if (from >= 1400) return { from, to: from + 9, label: `${from}s`, count };
  const to = from + 99;
  // centuries start at multiples of 100, so a century is wholly BCE (from < 0) or not
  const label = from < 0 ? `${-from}–${-to} BCE` : `${from}–${to}`;
  return { from, to, label, count };
}

export class ArtworkFacetsService {
  constructor(private readonly store: CatalogueStore) {}

  /** Counts by one facet, largest first, at most `first` values (default 20, up to 200). */
  facet(filter: ArtworkFilter, facet: ArtworkFacetName, first: number | undefined, path = "first"): Promise<FacetBucket[]> {
    const limit = first ?? FACET_VALUES.default;
    if (!Number.isInteger(limit) || limit < 1 || limit > FACET_VALUES.max) {
      throw new InvalidInputError(path, `\`first\` must be a whole number from 1 to ${FACET_VALUES.max}; got ${limit}.`);
    }
    return this.store.artworkFacet(checkArtworkFilter(filter), facet, limit);
  }

  /** Counts by period (decades from 1400, centuries before), largest first. */
  async periods(filter: ArtworkFilter, first: number | undefined): Promise<PeriodBucket[]> {
    return (await this.facet(filter, "PERIOD", first)).map((b) => periodOf(b.value, b.count));
  }

  /** Number of works matching the filter. */
  total(filter: ArtworkFilter): Promise<number> {
    return this.store.countArtworks(checkArtworkFilter(filter));
  }
}
