/** GraphQL filter inputs → the store's filter (ids decoded, empty lists kept meaningful). */
import type { ArtworkFilter as StoreArtworkFilter } from "../../ports/catalogue-store.port.ts";
import { selectId } from "../relay.ts";
import type { ArtworkFilter } from "../types/artwork-filter.input.ts";

export function toArtworkFilter(f: ArtworkFilter | undefined | null, path: string): StoreArtworkFilter {
  if (!f) return {};
  return {
    text: f.text ?? undefined,
    artistIds: f.artistIds?.map((id, i) => selectId(id, "Artist", `${path}.artistIds.${i}`)),
    mediumCategories: f.mediumCategories ?? undefined,
    departments: f.departments ?? undefined,
    yearFrom: f.yearFrom ?? undefined,
    yearTo: f.yearTo ?? undefined,
    hasImage: f.hasImage ?? undefined,
    provenanceOwner: f.provenanceOwner ?? undefined,
    provenance: f.provenance
      ? {
          owner: f.provenance.owner ?? undefined,
          place: f.provenance.place ?? undefined,
          methods: f.provenance.methods ?? undefined,
          heldFrom: f.provenance.heldFrom ?? undefined,
          heldTo: f.provenance.heldTo ?? undefined,
        }
      : undefined,
  };
}
