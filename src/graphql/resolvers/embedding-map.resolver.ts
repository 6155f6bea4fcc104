/** The embedding map (`embeddingMap`) and its points' works; delegates to EmbeddingMapService. */
import { Max, Min, ValidateNested } from "class-validator";
import type { GraphQLResolveInfo } from "graphql";
import { Args, ArgsType, Ctx, Field, FieldResolver, Info, Int, Query, Resolver, Root } from "type-graphql";
import { InvalidInputError } from "../../domain/errors.ts";
import type { ArtworkRow } from "../../ports/catalogue-store.port.ts";
import { colourMap, type EmbeddingMapService } from "../../services/embedding-map.service.ts";
import type { GraphQLContext } from "../context.ts";
import { toGlobalId } from "../relay.ts";
import { selects } from "../selection.ts";
import { Artwork } from "../types/artwork.type.ts";
import { ArtworkFilter } from "../types/artwork-filter.input.ts";
import { EmbeddingMap, EmbeddingMapPoint, MapColorBy, MapMethod } from "../types/embedding-map.types.ts";
import { toArtworkFilter } from "./filter.mapper.ts";

@ArgsType()
class EmbeddingMapArgs {
  @Field(() => MapMethod, { defaultValue: MapMethod.PCA, description: "How vectors are brought down to two dimensions. Default PCA." })
  method!: MapMethod;

  @Field(() => ArtworkFilter, { nullable: true, description: "Only works meeting these conditions; left out: every indexed work." })
  @ValidateNested()
  filter?: ArtworkFilter;

  @Field(() => Int, { defaultValue: 2000, description: "At most this many works, from 1 to 100,000 with PCA and to 5,000 with UMAP. Default 2,000." })
  @Min(1)
  @Max(100_000)
  limit!: number;

  @Field(() => MapColorBy, { defaultValue: MapColorBy.DEPARTMENT, description: "What each point's `colorKey` is. Default DEPARTMENT." })
  colorBy!: MapColorBy;
}

/** The most points whose works (`points.artwork`) one request may load. */
export const MAX_MAP_ARTWORKS = 1000;

/** A point as resolved: the GraphQL fields plus the work's internal id for `artwork`. */
type PointSource = EmbeddingMapPoint & { readonly internalId: string };

/** `embeddingMap` and `EmbeddingMapPoint.artwork`. */
@Resolver(() => EmbeddingMapPoint)
export class EmbeddingMapResolver {
  constructor(private readonly maps: EmbeddingMapService) {}

  @Query(() => EmbeddingMap, {
    description: "The live generation's vectors projected to two dimensions, for a picture of the collection: one point per work with a colour key. Seeded and cached, so the same call gives the same map.",
    complexity: 50,
  })
  async embeddingMap(@Args() args: EmbeddingMapArgs, @Info() info: GraphQLResolveInfo): Promise<EmbeddingMap> {
    if (args.limit > MAX_MAP_ARTWORKS && selects(info, "points", "artwork")) {
      throw new InvalidInputError("limit", `Points' \`artwork\` can be asked for with a limit up to ${MAX_MAP_ARTWORKS.toLocaleString("en")}; got ${args.limit}. Ask for \`artworkId\` and load the works you need (the /map page loads a title on hover).`);
    }
    const map = await this.maps.map({ method: args.method, limit: args.limit, filter: toArtworkFilter(args.filter, "filter") });
    const { points, legend } = colourMap(map, args.colorBy);
    return {
      embeddingVersion: map.embeddingVersion,
      method: map.method as MapMethod,
      colorBy: args.colorBy,
      totalCount: map.totalCount,
      points: points.map((p): PointSource => ({ ...p, artworkId: toGlobalId("Artwork", p.artworkId), internalId: p.artworkId })),
      legend,
    };
  }

  @FieldResolver(() => Artwork, { nullable: true, description: "The work (null when it was deleted after the map was computed). Only with a `limit` up to 1,000." })
  artwork(@Root() point: PointSource, @Ctx() ctx: GraphQLContext): Promise<ArtworkRow | null> {
    return ctx.loaders.artworkById.load(point.internalId);
  }
}
