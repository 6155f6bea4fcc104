/** `node(id:)` and `nodes(ids:)`: any object by its global id (Relay). */
import { Arg, Ctx, ID, Query, Resolver } from "type-graphql";
import { InvalidInputError } from "../../domain/errors.ts";
import type { GraphQLContext } from "../context.ts";
import { parseGlobalId } from "../relay.ts";
import { MAX_IDS } from "../types/list-limits.ts";
import { Node } from "../types/node.interface.ts";

/** The object a global id names, tagged with its type; null for an unknown or malformed id. */
async function loadNode(id: string, ctx: GraphQLContext): Promise<object | null> {
  const parsed = parseGlobalId(id);
  if (!parsed?.type) return null;
  if (parsed.type === "Artwork") {
    const row = await ctx.loaders.artworkById.load(parsed.internalId);
    return row && { ...row, __typename: "Artwork" };
  }
  const artist = await ctx.loaders.artistById.load(parsed.internalId);
  return artist && { ...artist, __typename: "Artist" };
}

@Resolver()
export class NodeResolver {
  @Query(() => Node, { nullable: true, description: "Any object by its global `id`; null when it does not exist." })
  node(@Arg("id", () => ID, { description: "A global id from an `id` field." }) id: string, @Ctx() ctx: GraphQLContext): Promise<object | null> {
    return loadNode(id, ctx);
  }

  @Query(() => [Node], {
    nullable: "items",
    description: `Objects by their global ids, in the order given; null in the place of an id that names nothing. At most ${MAX_IDS} ids.`,
    // complexity reads no ids (the cost-limit plugin remembers estimates across id values): a fixed
    // estimate of 100 objects, all loaded in one batch per type
    complexity: ({ childComplexity }) => 1 + 100 * Math.max(childComplexity, 1),
  })
  nodes(
    @Arg("ids", () => [ID], { description: `Global ids from \`id\` fields, at most ${MAX_IDS}; repeats are allowed and answered in place.` }) ids: string[],
    @Ctx() ctx: GraphQLContext,
  ): Promise<(object | null)[]> {
    if (ids.length > MAX_IDS) throw new InvalidInputError("ids", `At most ${MAX_IDS} ids at once; got ${ids.length}.`);
    return Promise.all(ids.map((id) => loadNode(id, ctx)));
  }
}
