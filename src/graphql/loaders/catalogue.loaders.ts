/**
 * Per-request loaders (one set per GraphQL request): every field that needs related rows goes through
 * them, so a page of N works costs a fixed number of SQL statements, not N.
 */
import DataLoader from "dataloader";
import type { Artist, ArtistCredit, ArtworkImage, ProvenanceEvent } from "../../domain/artwork.ts";
import type { ArtworkRow, CatalogueStore } from "../../ports/catalogue-store.port.ts";

export interface CatalogueLoaders {
  readonly artworkById: DataLoader<string, ArtworkRow | null>;
  readonly creditsByArtworkId: DataLoader<string, ArtistCredit[]>;
  readonly provenanceByArtworkId: DataLoader<string, ProvenanceEvent[]>;
  readonly imageByArtworkId: DataLoader<string, ArtworkImage | null>;
  readonly artistById: DataLoader<string, Artist | null>;
  readonly artworkIdsByArtistId: (limit: number) => DataLoader<string, string[]>;
}

/** Each loader is made on its first use: a request builds only the loaders its fields read. */
export function createCatalogueLoaders(store: CatalogueStore): CatalogueLoaders {
  const byLimit = new Map<number, DataLoader<string, string[]>>();
  let artworkById: CatalogueLoaders["artworkById"] | undefined;
  let creditsByArtworkId: CatalogueLoaders["creditsByArtworkId"] | undefined;
  let provenanceByArtworkId: CatalogueLoaders["provenanceByArtworkId"] | undefined;
  let imageByArtworkId: CatalogueLoaders["imageByArtworkId"] | undefined;
  let artistById: CatalogueLoaders["artistById"] | undefined;
  return {
    get artworkById() {
      return (artworkById ??= new DataLoader((ids) => store.artworksByIds(ids)));
    },
    get creditsByArtworkId() {
      return (creditsByArtworkId ??= new DataLoader((ids) => store.creditsByArtworkIds(ids)));
    },
    get provenanceByArtworkId() {
      return (provenanceByArtworkId ??= new DataLoader((ids) => store.provenanceByArtworkIds(ids)));
    },
    get imageByArtworkId() {
      return (imageByArtworkId ??= new DataLoader((ids) => store.imagesByArtworkIds(ids)));
    },
    get artistById() {
      return (artistById ??= new DataLoader((ids) => store.artistsByIds(ids)));
    },
    artworkIdsByArtistId: (limit) => {
      let loader = byLimit.get(limit);
      if (!loader) byLimit.set(limit, (loader = new DataLoader((ids) => store.artworkIdsByArtistIds(ids, limit))));
      return loader;
    },
  };
}
