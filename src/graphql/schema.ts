/** Builds the GraphQL schema from the resolver classes (code first) and prints it for schema.graphql. */
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from "graphql";
import { buildSchemaSync, type ContainerType, type NonEmptyArray } from "type-graphql";
import { authChecker } from "./auth-checker.ts";
import { validateArgs } from "./validate-args.ts";
import { ArtistResolver } from "./resolvers/artist.resolver.ts";
import { ArtworkAdminResolver } from "./resolvers/artwork-admin.resolver.ts";
import { ArtworkImageResolver } from "./resolvers/artwork-image.resolver.ts";
import { ArtworkResolver } from "./resolvers/artwork.resolver.ts";
import { ArtworkFacetsResolver } from "./resolvers/artwork-facets.resolver.ts";
import { IndexAdminResolver } from "./resolvers/index-admin.resolver.ts";
import { ProvenanceResearchResolver } from "./resolvers/provenance-research.resolver.ts";
import { DuplicatesResolver } from "./resolvers/duplicates.resolver.ts";
import { NodeResolver } from "./resolvers/node.resolver.ts";
import { SimilarityResolver } from "./resolvers/similarity.resolver.ts";
import { EmbeddingMapResolver } from "./resolvers/embedding-map.resolver.ts";
import { EmbeddingQualityResolver } from "./resolvers/embedding-quality.resolver.ts";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const RESOLVERS: NonEmptyArray<new (...args: any[]) => object> = [NodeResolver, ArtworkResolver, ArtistResolver, SimilarityResolver, ArtworkAdminResolver, ArtworkFacetsResolver, ProvenanceResearchResolver, ArtworkImageResolver, EmbeddingMapResolver, EmbeddingQualityResolver, DuplicatesResolver, IndexAdminResolver];

/** Resolver instances by class, built by the composition root. */
export type ResolverInstances = ReadonlyMap<Function, object>;

export function buildVitrineSchema(instances: ResolverInstances = new Map()): GraphQLSchema {
  const container: ContainerType = {
    get: (cls) => {
      const instance = instances.get(cls as Function);
      if (!instance) throw new Error(`No resolver instance for ${(cls as Function).name}`);
      return instance;
    },
  };
  const schema = buildSchemaSync({ resolvers: RESOLVERS, container, authChecker, validateFn: validateArgs, authMode: "error" });
  // type-graphql has no option for the root types' descriptions
  describe(schema.getQueryType(), "Reading the catalogue: works, artists, categories and similar works. Open to everyone, except the fields whose description says they need an admin key.");
  describe(schema.getMutationType(), "Changing the catalogue. Every mutation needs an admin API key sent as `Authorization: Bearer <key>`.");
  return schema;
}

function describe(type: { description?: string | null } | null | undefined, text: string): void {
  if (type) type.description = text;
}

/** The schema as committed in schema.graphql (sorted, so diffs show real changes only). */
export function printVitrineSchema(schema: GraphQLSchema = buildVitrineSchema()): string {
  return printSchema(lexicographicSortSchema(schema)) + "\n";
}
