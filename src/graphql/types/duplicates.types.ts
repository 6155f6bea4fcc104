/** Outputs of `duplicateCandidates`: kinds, match reasons, pairs and their connection. */
import { Field, Float, ObjectType, registerEnumType } from "type-graphql";
import type { ArtworkRow } from "../../ports/catalogue-store.port.ts";
import { Artwork } from "./artwork.type.ts";
import { PageInfo } from "./page-info.type.ts";

/** Which duplicates to look for. */
export enum DuplicateKind {
  IMAGE = "IMAGE",
  RECORD = "RECORD",
}

registerEnumType(DuplicateKind, {
  name: "DuplicateKind",
  description: "Which duplicates to look for.",
  valuesConfig: {
    IMAGE: { description: "Works with identical (same SHA-256) or nearly identical images (image-part cosine ≥ threshold) whose title, artists or attribution differ." },
    RECORD: { description: "Records that describe the same work, e.g. imported under two source ids: same normalised title, artists and years, or metadata-part cosine ≥ threshold." },
  },
});

/** Why a pair is a candidate. */
export enum DuplicateMatch {
  IDENTICAL_IMAGE = "IDENTICAL_IMAGE",
  SIMILAR_IMAGE = "SIMILAR_IMAGE",
  SAME_DESCRIPTION = "SAME_DESCRIPTION",
  SIMILAR_DESCRIPTION = "SIMILAR_DESCRIPTION",
}

registerEnumType(DuplicateMatch, {
  name: "DuplicateMatch",
  description: "Why two works are a duplicate candidate.",
  valuesConfig: {
    IDENTICAL_IMAGE: { description: "Their image files are byte for byte the same (same SHA-256)." },
    SIMILAR_IMAGE: { description: "The image parts of their vectors have a cosine at or above the threshold." },
    SAME_DESCRIPTION: { description: "Same title, artists and years once case, accents and punctuation are ignored." },
    SIMILAR_DESCRIPTION: { description: "The metadata parts of their vectors have a cosine at or above the threshold." },
  },
});

@ObjectType({ description: "Two works that may be duplicates; `first` has the smaller internal id." })
export class DuplicatePair {
  @Field(() => Artwork, { description: "One work of the pair (the smaller internal id)." })
  first!: ArtworkRow;

  @Field(() => Artwork, { description: "The other work of the pair." })
  second!: ArtworkRow;

  @Field(() => Float, { description: "How alike they are: 1 for identical images, else the cosine (0 … 1) of the image parts (IMAGE) or metadata parts (RECORD) of their vectors." })
  score!: number;

  @Field(() => DuplicateMatch, { description: "Why the pair is a candidate." })
  match!: DuplicateMatch;

  @Field(() => [String], {
    description:
      "The record fields whose values differ, from: title, artists, attribution (the artists' roles), dates, medium, classification, department, dimensions, accessionNumber, creditLine, image (the image's SHA-256). Text is compared ignoring case, accents and spacing.",
  })
  differingFields!: string[];
}

@ObjectType({ description: "One pair in a page of duplicateCandidates, with its cursor." })
export class DuplicatePairEdge {
  @Field({ description: "Opaque position of this edge; pass it as `after`." })
  cursor!: string;

  @Field(() => DuplicatePair, { description: "The pair." })
  node!: DuplicatePair;
}

@ObjectType({ description: "A page of duplicate candidates, ordered by the pair's internal ids." })
export class DuplicatePairConnection {
  @Field(() => [DuplicatePairEdge], { description: "The pairs of this page; fewer than asked while hasNextPage is true means the scan limit was reached, not the end." })
  edges!: DuplicatePairEdge[];

  @Field(() => PageInfo, { description: "Where to continue: pass `endCursor` as `after` while `hasNextPage` is true." })
  pageInfo!: PageInfo;
}
