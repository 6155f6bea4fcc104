import { Field, ID, ObjectType } from "type-graphql";
import { Artist } from "./artist.type.ts";
import { Artwork } from "./artwork.type.ts";

@ObjectType({ description: "Result of creating or updating a work." })
export class ArtworkPayload {
  @Field(() => Artwork, { nullable: true, description: "The work as stored after the change." })
  artwork!: Artwork | null;
}

@ObjectType({ description: "Result of deleting a work." })
export class DeleteArtworkPayload {
  @Field(() => ID, { description: "Global id of the deleted work; it no longer appears in any query." })
  deletedId!: string;
}

@ObjectType({ description: "Result of creating an artist." })
export class ArtistPayload {
  @Field(() => Artist, { nullable: true, description: "The new artist." })
  artist!: Artist | null;
}
