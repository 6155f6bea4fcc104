/** Outputs and enums of the embedding map: a 2-D picture of the live generation's vectors. */
import { Field, Float, ID, Int, ObjectType, registerEnumType } from "type-graphql";

/** How vectors are brought down to two dimensions. */
export enum MapMethod {
  PCA = "PCA",
  UMAP = "UMAP",
}

registerEnumType(MapMethod, {
  name: "MapMethod",
  description: "How the map brings vectors down to two dimensions.",
  valuesConfig: {
    PCA: { description: "Principal component analysis: the two directions of most variance (linear; global distances kept, clusters may overlap). Up to 100,000 works." },
    UMAP: { description: "UMAP: keeps each work's neighbours near it (non-linear; clusters separate, distances between clusters mean little). Seeded. Up to 5,000 works." },
  },
});

/** What a point's colour key says. */
export enum MapColorBy {
  DEPARTMENT = "DEPARTMENT",
  MEDIUM_CATEGORY = "MEDIUM_CATEGORY",
  CENTURY = "CENTURY",
}

registerEnumType(MapColorBy, {
  name: "MapColorBy",
  description: "What each point's colour key is.",
  valuesConfig: {
    DEPARTMENT: { description: "The department holding the work, e.g. \"Fine Arts\"." },
    MEDIUM_CATEGORY: { description: "The work's medium category as stored, e.g. \"painting\"." },
    CENTURY: { description: "The century of the work's earliest year, e.g. \"19th century\" or \"1st century BCE\"." },
  },
});

@ObjectType({ description: "One work on the embedding map." })
export class EmbeddingMapPoint {
  @Field(() => ID, { description: "The work's `id`." })
  artworkId!: string;

  @Field(() => Float, { description: "Horizontal position, from 0 (left) to 1 (right); both axes share one scale." })
  x!: number;

  @Field(() => Float, { description: "Vertical position, from 0 to 1; both axes share one scale." })
  y!: number;

  @Field(() => String, { description: "What the point is coloured by (see `colorBy`); \"unknown\" when the work has no such value." })
  colorKey!: string;
}

@ObjectType({ description: "One colour key of the map and how many points carry it." })
export class EmbeddingMapLegendEntry {
  @Field(() => String, { description: "A colour key, as in `EmbeddingMapPoint.colorKey`." })
  key!: string;

  @Field(() => Int, { description: "Points with this key." })
  count!: number;
}

@ObjectType({ description: "The live generation's vectors projected to two dimensions: nearby points are works the index finds similar." })
export class EmbeddingMap {
  @Field(() => String, { description: "Embedding version of the vectors drawn; the map is recomputed when it (or the number of vectors) changes." })
  embeddingVersion!: string;

  @Field(() => MapMethod, { description: "How the vectors were projected." })
  method!: MapMethod;

  @Field(() => MapColorBy, { description: "What `colorKey` says." })
  colorBy!: MapColorBy;

  @Field(() => Int, { description: "Works matching the filter (every indexed work without one); `points` holds at most `limit` of them." })
  totalCount!: number;

  @Field(() => [EmbeddingMapPoint], { description: "The works drawn, in id order (a random-like sample when more than `limit` match); works not embedded yet are left out." })
  points!: EmbeddingMapPoint[];

  @Field(() => [EmbeddingMapLegendEntry], { description: "Every colour key among the points, most frequent first." })
  legend!: EmbeddingMapLegendEntry[];
}
