/** Checks of a work filter that need more than one field (ranges), shared by every service that takes one. */
import { InvalidInputError } from "../domain/errors.ts";
import type { ArtworkFilter } from "../ports/catalogue-store.port.ts";

/** Returns the filter when its ranges are in order; a range that ends before it starts is the client's mistake. */
export function checkArtworkFilter(filter: ArtworkFilter, path = "filter"): ArtworkFilter {
  if (filter.yearFrom !== undefined && filter.yearTo !== undefined && filter.yearTo < filter.yearFrom) {
    throw new InvalidInputError(`${path}.yearTo`, `The year range ends (${filter.yearTo}) before it starts (${filter.yearFrom}).`);
  }
  const p = filter.provenance;
  if (p?.heldFrom !== undefined && p.heldTo !== undefined && p.heldTo < p.heldFrom) {
    throw new InvalidInputError(`${path}.provenance.heldTo`, `The years held end (${p.heldTo}) before they start (${p.heldFrom}).`);
  }
  return filter;
}
