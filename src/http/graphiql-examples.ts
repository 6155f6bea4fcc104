/**
 * The saved example tabs GraphiQL opens with, one per analyst use: browse and filter, facets,
 * provenance research, similar works with weights and breakdown, recommendations, search by image,
 * duplicates, the embedding map and the quality report. Ids in the variables are the catalogue's own
 * (picked when the page is served, see exampleIdsFrom), so every tab runs as it opens; on an empty
 * catalogue they are placeholders the query's comment says how to fill. test/e2e/graphiql-examples.test.ts
 * runs every example over HTTP.
 */
import { toGlobalId } from "../graphql/relay.ts";
import type { CatalogueStore } from "../ports/catalogue-store.port.ts";

/** Real ids (and an image URL) the examples' variables use. */
export interface ExampleIds {
  /** Global ids of three works: the first is the query work, the others examples to like or dislike. */
  readonly artworks: readonly [string, string, string];
  /** A public image URL for search by image (a catalogue work's own image when there is one). */
  readonly imageUrl: string;
}

/** What the examples say when the catalogue has no works yet. */
export const PLACEHOLDER_IDS: ExampleIds = {
  artworks: ["PASTE-AN-ARTWORK-ID", "PASTE-ANOTHER-ARTWORK-ID", "PASTE-A-THIRD-ARTWORK-ID"],
  imageUrl: "https://example.org/your-image.jpg",
};

/** One saved example: a tab in GraphiQL. */
export interface GraphiqlExample {
  /** The tab's title (GraphiQL shows the operation name; they are the same). */
  readonly name: string;
  /** The operation, with comments that say what it shows. */
  readonly query: string;
  readonly variables: Readonly<Record<string, unknown>>;
  /** Needs an admin key (the tab's headers hold a placeholder for it). */
  readonly admin: boolean;
  /**
   * A Query field the example needs; the tab is left out while the schema lacks it (features merged
   * separately, such as the map and the quality report).
   */
  readonly requires: string;
}

/** The placeholder the admin tabs' Authorization header holds. */
export const ADMIN_KEY_PLACEHOLDER = "<paste an admin API key>";

const PASTE_IDS = "# The ids in Variables are works of this catalogue; paste any `id` from the Browse tab to try others.";

/** Every example, in tab order, with `ids` in their variables. */
export function graphiqlExamples(ids: ExampleIds): GraphiqlExample[] {
  const [a, b, c] = ids.artworks;
  return [
    {
      name: "Browse",
      requires: "artworks",
      admin: false,
      query: `# Welcome to vitrine. Press ▶ to run; Ctrl-Space completes field names. Each tab is one use.
# Browse and filter: paintings and drawings of 1850–1950, newest first; pass pageInfo.endCursor as "after" for the next page.
# Mutations and admin tabs need an admin key: add {"Authorization": "Bearer <key>"} under Headers.
query Browse($filter: ArtworkFilter, $first: Int, $after: String) {
  artworks(filter: $filter, first: $first, after: $after, sort: { field: YEAR, direction: DESC }) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges {
      node {
        id
        title
        dateText
        medium
        mediumCategory
        department
        artists { name role }
      }
    }
  }
}
`,
      variables: { filter: { mediumCategories: ["PAINTING", "DRAWING"], yearFrom: 1850, yearTo: 1950 }, first: 10, after: null },
    },
    {
      name: "Facets",
      requires: "artworkFacets",
      admin: false,
      query: `# The collection in numbers: counts per value for the same filter \`artworks\` takes (here: works made before 1900).
# A value shown can be put back into the filter (e.g. a department into filter.departments).
query Facets($filter: ArtworkFilter) {
  artworkFacets(filter: $filter) {
    total
    mediumCategories { category count }
    departments(first: 10) { value count }
    classifications(first: 10) { value count }
    periods(first: 30) { label from to count }
    nationalities(first: 10) { value count }
    acquisitionMethods { value count }
    hasImage { value count }
  }
}
`,
      variables: { filter: { yearTo: 1899 } },
    },
    {
      name: "ProvenanceGap",
      requires: "provenanceGap",
      admin: false,
      query: `# Provenance research: works whose ownership between 1933 and 1945 is unknown or undocumented,
# with the missing years and the entries on either side of each gap.
query ProvenanceGap($from: Int!, $to: Int!, $first: Int, $after: String) {
  provenanceGap(from: $from, to: $to, first: $first, after: $after) {
    pageInfo { hasNextPage endCursor }
    edges {
      node {
        uncoveredYears
        artwork { id title dateText }
        gaps {
          from
          to
          before { owner dateText text }
          after { owner dateText text }
        }
      }
    }
  }
}
`,
      variables: { from: 1933, to: 1945, first: 10, after: null },
    },
    {
      name: "SimilarProvenance",
      requires: "similarProvenance",
      admin: false,
      query: `# Provenance research: works that passed through the same hands as a work, rarer owners counting more.
${PASTE_IDS}
query SimilarProvenance($id: ID!) {
  artwork(id: $id) { title provenance { owner dateText method } }
  similarProvenance(id: $id, first: 10) {
    score
    sharedOwners
    artwork { id title dateText }
  }
}
`,
      variables: { id: a },
    },
    {
      name: "ProvenanceFilter",
      requires: "artworks",
      admin: false,
      query: `# Provenance research: works an owner held in some years (names match however they are written,
# "Galerie"/"Gallery" alike), or acquired by a method. Change owner, years or methods to taste.
query ProvenanceFilter($provenance: ProvenanceFilter!) {
  artworks(first: 20, filter: { provenance: $provenance }) {
    totalCount
    edges { node { id title provenance { owner place dateText method } } }
  }
}
`,
      variables: { provenance: { owner: "Knoedler", heldFrom: 1900, heldTo: 1960 } },
    },
    {
      name: "SimilarWorks",
      requires: "similarArtworks",
      admin: false,
      query: `# Similar works, weighted your way: what counts (image, metadata and its six groups), a filter,
# more variety (diversity 0 … 1) and one work per artist; each score is split into parts that add up to it.
${PASTE_IDS}
query SimilarWorks($id: ID!, $weights: SimilarityWeights, $diversity: Float) {
  artwork(id: $id) { title artists { name } }
  similarArtworks(id: $id, first: 10, weights: $weights, diversity: $diversity, groupByArtist: true) {
    embeddingVersion
    edges {
      score
      breakdown { image metadata groups { artist medium time provenance size palette } }
      node { id title dateText artists { name } }
    }
  }
}
`,
      variables: { id: a, weights: { image: 0.3, metadata: 0.7, artist: 0.1, medium: 0.4, time: 0.3 }, diversity: 0.3 },
    },
    {
      name: "ExplainSimilarity",
      requires: "explainSimilarity",
      admin: false,
      query: `# Why two works are similar: their score split into the image part and each metadata group.
${PASTE_IDS}
query ExplainSimilarity($a: ID!, $b: ID!) {
  explainSimilarity(a: $a, b: $b) {
    score
    image
    metadata
    groups { artist medium time provenance size palette }
  }
}
`,
      variables: { a, b },
    },
    {
      name: "Recommendations",
      requires: "recommendations",
      admin: false,
      query: `# More like these, less like those: recommendations from works liked (positive) and disliked
# (negative), leaving out some artists, categories or works.
${PASTE_IDS}
query Recommendations($positive: [ID!]!, $negative: [ID!], $strategy: RecommendationStrategy!) {
  recommendations(positive: $positive, negative: $negative, strategy: $strategy, first: 10, exclude: { mediumCategories: [PHOTOGRAPH] }) {
    edges {
      score
      breakdown { image metadata }
      node { id title mediumCategory artists { name } }
    }
  }
}
`,
      variables: { positive: [a, b], negative: [c], strategy: "BEST_SCORE" },
    },
    {
      name: "SearchByImage",
      requires: "searchByImage",
      admin: false,
      query: `# Search by image: works that look like a picture, here a detail of it (a region in percent).
# Give a public image URL (or the file as "base64"); leave "region" out for the whole image. Needs the image model.
query SearchByImage($image: ImageInput!) {
  searchByImage(image: $image, first: 10) {
    edges {
      score
      breakdown { image metadata }
      node { id title artists { name } }
    }
  }
}
`,
      variables: { image: { url: ids.imageUrl, region: { x: 25, y: 25, width: 50, height: 50, unit: "PERCENT" } } },
    },
    {
      name: "DuplicateImages",
      requires: "duplicateCandidates",
      admin: true,
      query: `# Duplicates (admin key under Headers): one image under records that differ in title, artists or
# attribution: identical files, or image-part cosine at least "threshold".
query DuplicateImages($threshold: Float, $after: String) {
  duplicateCandidates(kind: IMAGE, threshold: $threshold, first: 20, after: $after) {
    pageInfo { hasNextPage endCursor }
    edges {
      node {
        score
        match
        differingFields
        first { id sourceId title artists { name role } }
        second { id sourceId title artists { name role } }
      }
    }
  }
}
`,
      variables: { threshold: 0.98, after: null },
    },
    {
      name: "DuplicateRecords",
      requires: "duplicateCandidates",
      admin: true,
      query: `# Duplicates (admin key under Headers): one work recorded twice, e.g. under two source ids: the same
# title, artists and years, or metadata-part cosine at least "threshold".
query DuplicateRecords($threshold: Float, $after: String) {
  duplicateCandidates(kind: RECORD, threshold: $threshold, first: 20, after: $after) {
    pageInfo { hasNextPage endCursor }
    edges {
      node {
        score
        match
        differingFields
        first { id source sourceId title dateText artists { name } }
        second { id source sourceId title dateText artists { name } }
      }
    }
  }
}
`,
      variables: { threshold: 0.95, after: null },
    },
    {
      name: "EmbeddingMap",
      requires: "embeddingMap",
      admin: false,
      query: `# The map: the collection's vectors in two dimensions, coloured by department (the page at /map draws it).
query EmbeddingMap($method: MapMethod!, $colorBy: MapColorBy!, $limit: Int!) {
  embeddingMap(method: $method, colorBy: $colorBy, limit: $limit) {
    embeddingVersion
    totalCount
    legend { key count }
    points { x y colorKey artwork { title } }
  }
}
`,
      variables: { method: "PCA", colorBy: "DEPARTMENT", limit: 200 },
    },
    {
      name: "EmbeddingQuality",
      requires: "embeddingQuality",
      admin: true,
      query: `# The quality report (admin key under Headers): how far the vectors can be trusted, on held-out works:
# k-NN accuracy, same-artist precision and agreement with the raw metadata, per variant, against a random baseline.
query EmbeddingQuality($k: Int!, $seed: Int!) {
  embeddingQuality(k: $k, seed: $seed) {
    embeddingVersion
    works
    queries
    fair { target variant value random }
    variants { name parts departmentAccuracy mediumCategoryAccuracy centuryAccuracy sameArtistPrecision metadataAgreement }
  }
}
`,
      variables: { k: 10, seed: 42 },
    },
  ];
}

/** A GraphiQL tab (the `defaultTabs` prop): text as the editors hold it. */
export interface GraphiqlTab {
  readonly query: string;
  readonly variables: string;
  readonly headers: string;
}

/** The examples whose Query field the schema has, as GraphiQL tabs. */
export function graphiqlTabs(ids: ExampleIds, queryFields: readonly string[]): GraphiqlTab[] {
  return graphiqlExamples(ids)
    .filter((e) => queryFields.includes(e.requires))
    .map((e) => ({
      query: e.query,
      variables: JSON.stringify(e.variables, null, 2),
      headers: e.admin ? JSON.stringify({ Authorization: `Bearer ${ADMIN_KEY_PLACEHOLDER}` }, null, 2) : "",
    }));
}

/** How many works are looked at for one with an image URL. */
const IMAGE_URL_SCAN = 200;

/** Ids of this catalogue for the examples: its first three works (by id) and the first image URL among 200; placeholders where it has none. */
export async function exampleIdsFrom(store: CatalogueStore): Promise<ExampleIds> {
  const ids = await store.artworkIdsAfter(null, IMAGE_URL_SCAN);
  const rows = await store.artworksByIds(ids);
  const withUrl = rows.find((r) => r?.imageUrl && /^https?:\/\//.test(r.imageUrl));
  const works = ids.slice(0, 3).map((id) => toGlobalId("Artwork", id));
  return {
    artworks: [works[0] ?? PLACEHOLDER_IDS.artworks[0], works[1] ?? PLACEHOLDER_IDS.artworks[1], works[2] ?? PLACEHOLDER_IDS.artworks[2]],
    imageUrl: withUrl?.imageUrl ?? PLACEHOLDER_IDS.imageUrl,
  };
}
