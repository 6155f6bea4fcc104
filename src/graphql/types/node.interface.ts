import { Field, ID, InterfaceType } from "type-graphql";

@InterfaceType("Node", {
  description: "An object with a globally unique id, which `node(id:)` fetches back.",
  resolveType: (value: { __typename?: string; title?: unknown }) => value.__typename ?? ("title" in value ? "Artwork" : "Artist"),
})
export abstract class Node {
  @Field(() => ID, { description: "Globally unique, opaque id; pass it to `node` or to the object's own query." })
  id!: string;
}
