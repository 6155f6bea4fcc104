/** Outputs of the quality report (`embeddingQuality`): measures of the live vectors on held-out works. */
import { Field, Float, Int, ObjectType, registerEnumType } from "type-graphql";

/** What a measure predicts or checks. */
export enum QualityTarget {
  DEPARTMENT = "department",
  MEDIUM_CATEGORY = "mediumCategory",
  CENTURY = "century",
  SAME_ARTIST = "sameArtist",
}

registerEnumType(QualityTarget, {
  name: "QualityTarget",
  description: "What a quality measure predicts or checks.",
  valuesConfig: {
    DEPARTMENT: { description: "The department holding the work (no input of the vector)." },
    MEDIUM_CATEGORY: { description: "The medium category (input of the medium group)." },
    CENTURY: { description: "The century of the earliest year (input of the time group)." },
    SAME_ARTIST: { description: "Whether neighbours share an artist (input of the artist group)." },
  },
});

@ObjectType({ description: "The measures of one variant of the vectors (the full blend, a group left out, the image alone, or random)." })
export class QualityVariant {
  @Field(() => String, { description: "\"full\", \"without artist\" … \"without palette\", \"image only\" (when works have images) or \"random\"." })
  name!: string;

  @Field(() => String, { description: "What the variant is, in a sentence." })
  description!: string;

  @Field(() => [String], { description: "Parts of the blend it keeps (\"image\", \"artist\", …); empty for the random baseline." })
  parts!: string[];

  @Field(() => Float, { nullable: true, description: "k-NN accuracy for department, from 0 to 1; null when no held-out work has one." })
  departmentAccuracy!: number | null;

  @Field(() => Float, { nullable: true, description: "k-NN accuracy for medium category, from 0 to 1; null when no held-out work has one." })
  mediumCategoryAccuracy!: number | null;

  @Field(() => Float, { nullable: true, description: "k-NN accuracy for century, from 0 to 1; null when no held-out work is dated." })
  centuryAccuracy!: number | null;

  @Field(() => Float, { nullable: true, description: "Same-artist precision@k: share of the k nearest works that share an artist with the held-out work, from 0 to 1, over works whose artist has another work among the references." })
  sameArtistPrecision!: number | null;

  @Field(() => Float, { nullable: true, description: "Share of the k nearest works that are also among the k nearest by raw catalogue fields alone (artist, medium category, department, year), from 0 to 1." })
  metadataAgreement!: number | null;

  @Field(() => [QualityTarget], { description: "Targets whose own field is an input of this variant: their figures here are not a fair test." })
  targetsFromInputs!: QualityTarget[];
}

@ObjectType({ description: "The fair figure of one target: measured on a variant without the target's own input group." })
export class QualityFairFigure {
  @Field(() => QualityTarget, { description: "What is predicted or checked." })
  target!: QualityTarget;

  @Field(() => String, { description: "The variant measured (\"without medium\" for medium category, \"without time\" for century, \"without artist\" for same artist, \"full\" for department)." })
  variant!: string;

  @Field(() => Float, { nullable: true, description: "Its accuracy (precision for same artist), from 0 to 1." })
  value!: number | null;

  @Field(() => Float, { nullable: true, description: "The same measure on the random baseline, from 0 to 1." })
  random!: number | null;
}

@ObjectType({ description: "Counts of held-out works that count for each target." })
export class QualityQueryCounts {
  @Field(() => Int, { description: "Held-out works with a department." })
  department!: number;

  @Field(() => Int, { description: "Held-out works with a medium category." })
  mediumCategory!: number;

  @Field(() => Int, { description: "Held-out works with a year." })
  century!: number;

  @Field(() => Int, { description: "Held-out works with another work of one of their artists among the references." })
  sameArtist!: number;
}

@ObjectType({ description: "How far the live vectors can be trusted: k-NN measures on works held out by a seeded split, for the full blend, each metadata group left out, the image alone and a random baseline." })
export class EmbeddingQuality {
  @Field(() => String, { description: "Embedding version measured." })
  embeddingVersion!: string;

  @Field(() => Int, { description: "Seed of the held-out split." })
  seed!: number;

  @Field(() => Float, { description: "Share of works held out as queries." })
  holdout!: number;

  @Field(() => Int, { description: "Neighbours per held-out work." })
  k!: number;

  @Field(() => Int, { description: "Works with a vector." })
  works!: number;

  @Field(() => Int, { description: "Works held out as queries." })
  queries!: number;

  @Field(() => Int, { description: "Works the neighbours come from." })
  references!: number;

  @Field(() => QualityQueryCounts, { description: "Held-out works that count for each target." })
  queriesPerTarget!: QualityQueryCounts;

  @Field(() => Boolean, { description: "True when at least one vector has an image part (then the \"image only\" variant is measured)." })
  hasImages!: boolean;

  @Field(() => [QualityVariant], { description: "Every measured variant, the full blend first and the random baseline last." })
  variants!: QualityVariant[];

  @Field(() => [QualityFairFigure], { description: "One fair figure per target (its own input group left out), with the random baseline beside it." })
  fair!: QualityFairFigure[];
}
