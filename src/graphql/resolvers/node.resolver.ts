/** `node(id:)`: any object by its global id (Relay). */
import { Arg, Ctx, ID, Query, Resolver } from "type-graphql";
import type { GraphQLContext } from "../context.ts";
import { parseGlobalId } from "../relay.ts";
import { Node } from "../types/node.interface.ts";

@Resolver()
export class NodeResolver {
  @Query(() => Node, { nullable: true, description: "Any object by its global `id`; null when it does not exist." })
  async node(@Arg("id", () => ID, { description: "A global id from an `id` field." }) id: string, @Ctx() ctx: GraphQLContext): Promise<object | null> {
    const parsed = parseGlobalId(id);
    if (!parsed?.type) return null;
    if (parsed.type === "Artwork") {
      const row = await ctx.loaders.artworkById.load(parsed.internalId);
      return row && { ...row, __typename: "Artwork" };
    }
    const artist = await ctx.loaders.artistById.load(parsed.internalId);
    return artist && { ...artist, __typename: "Artist" };
  }
}
