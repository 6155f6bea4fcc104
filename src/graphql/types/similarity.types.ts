/** Inputs and outputs of the similarity queries: weights, image input, exclusions, scored edges. */
import { ArrayMaxSize, MaxLength, Min } from "class-validator";
import { Field, Float, ID, InputType, ObjectType, registerEnumType } from "type-graphql";
import { Artwork } from "./artwork.type.ts";
import { MAX_IDS, MAX_LIST_ITEMS } from "./list-limits.ts";
import { MediumCategory } from "./medium-category.enum.ts";
import { PageInfo } from "./page-info.type.ts";

@InputType({
  description:
    "How much each part counts in a similarity score. `image` and `metadata` are scaled to sum to 1, and the six metadata groups (`artist` … `palette`) are scaled to sum to 1 and share `metadata` between them. A field left out takes its default (below), not the index's weight.",
})
export class SimilarityWeights {
  @Field(() => Float, { nullable: true, description: "What the works look like (image embedding). Default 0.5." })
  @Min(0)
  image?: number;

  @Field(() => Float, { nullable: true, description: "What is known about them (the groups below together). Default 0.5." })
  @Min(0)
  metadata?: number;

  @Field(() => Float, { nullable: true, description: "Weight of the artist group (artists and their nationalities) within `metadata`; the six group weights are scaled to sum to 1. At least 0. Default 0.3." })
  @Min(0)
  artist?: number;

  @Field(() => Float, { nullable: true, description: "Weight of the medium group (category and technique) within `metadata`; the six group weights are scaled to sum to 1. At least 0. Default 0.2." })
  @Min(0)
  medium?: number;

  @Field(() => Float, { nullable: true, description: "Weight of the date group within `metadata`; the six group weights are scaled to sum to 1. At least 0. Default 0.2." })
  @Min(0)
  time?: number;

  @Field(() => Float, { nullable: true, description: "Weight of the provenance group (owners, places, acquisition methods) within `metadata`; the six group weights are scaled to sum to 1. At least 0. Default 0.1." })
  @Min(0)
  provenance?: number;

  @Field(() => Float, { nullable: true, description: "Weight of the size group (dimensions) within `metadata`; the six group weights are scaled to sum to 1. At least 0. Default 0.1." })
  @Min(0)
  size?: number;

  @Field(() => Float, { nullable: true, description: "Weight of the colour group (the image's palette) within `metadata`; the six group weights are scaled to sum to 1. At least 0. Default 0.1." })
  @Min(0)
  palette?: number;
}

@ObjectType({ description: "Per-group parts of the metadata score; they add up to `metadata`." })
export class MetadataScoreParts {
  @Field(() => Float, { description: "Contribution of the artist group." })
  artist!: number;

  @Field(() => Float, { description: "Contribution of the medium group." })
  medium!: number;

  @Field(() => Float, { description: "Contribution of the date group." })
  time!: number;

  @Field(() => Float, { description: "Contribution of the provenance group." })
  provenance!: number;

  @Field(() => Float, { description: "Contribution of the size group." })
  size!: number;

  @Field(() => Float, { description: "Contribution of the colour group." })
  palette!: number;
}

@ObjectType({
  description:
    "Why two works scored as they did: the score split into parts that add up to it. For a similarity, each part is its term of the score (weight × the part's cosine, divided as the score is); for BEST_SCORE, the deciding example's parts, scaled to add up to the score.",
})
export class SimilarityBreakdown {
  @Field(() => Float, { description: "The whole score (the edge's `score`), from -1 to 1; higher is closer. Equals image + metadata." })
  score!: number;

  @Field(() => Float, { description: "Contribution of the image part (0 when either work has no image, or the image weight is 0)." })
  image!: number;

  @Field(() => Float, { description: "Contribution of the metadata part; the sum of `groups`." })
  metadata!: number;

  @Field(() => MetadataScoreParts, { description: "The metadata part split by group." })
  groups!: MetadataScoreParts;

  // artist, medium, … were also at the top level (as the weights take them): deprecated, `groups` is the one form
  @Field(() => Float, { description: "Same number as `groups.artist`.", deprecationReason: "Use `groups.artist`: the metadata groups are read there, where they add up to `metadata`." })
  artist!: number;

  @Field(() => Float, { description: "Same number as `groups.medium`.", deprecationReason: "Use `groups.medium`: the metadata groups are read there, where they add up to `metadata`." })
  medium!: number;

  @Field(() => Float, { description: "Same number as `groups.time`.", deprecationReason: "Use `groups.time`: the metadata groups are read there, where they add up to `metadata`." })
  time!: number;

  @Field(() => Float, { description: "Same number as `groups.provenance`.", deprecationReason: "Use `groups.provenance`: the metadata groups are read there, where they add up to `metadata`." })
  provenance!: number;

  @Field(() => Float, { description: "Same number as `groups.size`.", deprecationReason: "Use `groups.size`: the metadata groups are read there, where they add up to `metadata`." })
  size!: number;

  @Field(() => Float, { description: "Same number as `groups.palette`.", deprecationReason: "Use `groups.palette`: the metadata groups are read there, where they add up to `metadata`." })
  palette!: number;
}

@ObjectType({ description: "A similar work with its score, the score's parts and its rank's cursor." })
export class SimilarArtworkEdge {
  @Field({ description: "Opaque position of this edge: its rank in this ranked list (not in another query's); pass it as `after` to continue after it." })
  cursor!: string;

  @Field(() => Artwork, { description: "The similar work." })
  node!: Artwork;

  @Field(() => Float, {
    description:
      "Similarity to the query, from -1 to 1; higher is closer. The cosine of the two works' vectors blended with the request's `weights` (the index's when none are given): the sum of weight × cosine over the parts both works have, divided by √(the weights of the parts one work has × those of the other). Two works with every part score the weighted sum of their parts' cosines; a part either lacks counts 0. Recommendations: see `RecommendationStrategy`.",
  })
  score!: number;

  @Field(() => SimilarityBreakdown, { description: "The score split into image, metadata and per-group parts that add up to `score`." })
  breakdown!: SimilarityBreakdown;
}

@ObjectType({
  description:
    "A page of works ranked by similarity, best first. Paged with `first` and `after` (forward only) through the top 200 ranks; `pageInfo.hasNextPage` is false at rank 200.",
})
export class SimilarArtworkConnection {
  @Field(() => [SimilarArtworkEdge], { description: "The works of this page, best first." })
  edges!: SimilarArtworkEdge[];

  @Field(() => PageInfo, { description: "Cursors of the page's first and last edges and whether more ranks follow (up to rank 200) or precede." })
  pageInfo!: PageInfo;

  @Field(() => String, { description: "Embedding version the scores come from; changes when the model, the metadata encoder or the stored weights change." })
  embeddingVersion!: string;
}

export enum RegionUnit {
  PIXELS = "PIXELS",
  PERCENT = "PERCENT",
}
registerEnumType(RegionUnit, {
  name: "RegionUnit",
  description: "Units of an image region, as in IIIF's Image API.",
  valuesConfig: {
    PIXELS: { description: "Whole pixels of the image as displayed (after its EXIF orientation), as IIIF's `x,y,w,h`." },
    PERCENT: { description: "Percent of the image's width (x, width) and height (y, height), fractions allowed, as IIIF's `pct:x,y,w,h`; edges are rounded to the nearest pixel." },
  },
});

@InputType({
  description:
    "A rectangle of an image, as IIIF's Image API writes regions, measured on the image as displayed (after its EXIF orientation). A region reaching past the right or bottom edge is cut at the edge; one starting outside the image, or empty, is refused (BAD_USER_INPUT).",
})
export class ImageRegionInput {
  @Field(() => Float, { description: "Left edge: pixels from the image's left side, or percent of its width. At least 0, and inside the image." })
  x!: number;

  @Field(() => Float, { description: "Top edge: pixels from the image's top, or percent of its height. At least 0, and inside the image." })
  y!: number;

  @Field(() => Float, { description: "Width: pixels, or percent of the image's width. More than 0." })
  width!: number;

  @Field(() => Float, { description: "Height: pixels, or percent of the image's height. More than 0." })
  height!: number;

  @Field(() => RegionUnit, { defaultValue: RegionUnit.PIXELS, description: "Units of x, y, width and height. Default PIXELS (whole numbers)." })
  unit!: RegionUnit;
}

@InputType({ description: "An image: exactly one of `url` or `base64`; to search with a detail, a `region` of it." })
export class ImageInput {
  @Field(() => String, { nullable: true, description: "Public http(s) URL of the image; fetched with a timeout and a size cap. Private and loopback addresses are refused." })
  @MaxLength(4096)
  url?: string;

  @Field(() => String, { nullable: true, description: "The image file, base64-encoded (a data: URL prefix is accepted). JPEG, PNG, WebP, TIFF, GIF or AVIF; at most 20 MB by default." })
  base64?: string;

  @Field(() => ImageRegionInput, {
    nullable: true,
    description: "searchByImage only: search with this part of the image (\"works with a detail like this one\"); its embedding and palette come from the crop. Default: the whole image. attachArtworkImage refuses it.",
  })
  region?: ImageRegionInput;
}

@InputType({ description: "What recommendations must steer away from." })
export class RecommendationExclusions {
  @Field(() => [ID], { nullable: true, description: `Leave out works by these artists. At most ${MAX_IDS}.` })
  @ArrayMaxSize(MAX_IDS)
  artistIds?: string[];

  @Field(() => [MediumCategory], { nullable: true, description: `Leave out works in these medium categories. At most ${MAX_LIST_ITEMS}.` })
  @ArrayMaxSize(MAX_LIST_ITEMS)
  mediumCategories?: MediumCategory[];

  @Field(() => [ID], { nullable: true, description: `Leave out these works. At most ${MAX_IDS}.` })
  @ArrayMaxSize(MAX_IDS)
  artworkIds?: string[];
}

export enum RecommendationStrategy {
  AVERAGE_VECTOR = "AVERAGE_VECTOR",
  BEST_SCORE = "BEST_SCORE",
}
registerEnumType(RecommendationStrategy, {
  name: "RecommendationStrategy",
  description: "How liked and disliked works combine into one ranking.",
  valuesConfig: {
    AVERAGE_VECTOR: {
      description:
        "Search near the average of the liked works, pushed away from the disliked ones: the score is the cosine to avg(liked) + (avg(liked) − avg(disliked)) of the works' vectors (re-weighted when `weights` are given), from -1 to 1. Fast; best when the likes agree.",
    },
    BEST_SCORE: {
      description:
        "Rank each candidate by its best match among the liked works, penalised when it is closer to a disliked one (Qdrant's best_score): the score is the best similarity to a liked work when it is above the best similarity s to a disliked one, else −s². From -1 to 1; at most 0 when a disliked work is closest. Keeps varied tastes apart.",
    },
  },
});

