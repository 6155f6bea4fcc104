import { Field, ID, Int, ObjectType } from "type-graphql";
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

@ObjectType({ description: "Result of creating or updating an artist." })
export class ArtistPayload {
  @Field(() => Artist, { nullable: true, description: "The artist as stored after the change." })
  artist!: Artist | null;
}

@ObjectType({ description: "Result of deleting an artist." })
export class DeleteArtistPayload {
  @Field(() => ID, { description: "Global id of the deleted artist; it no longer appears in any query." })
  deletedId!: string;

  @Field(() => Artist, { nullable: true, description: "The artist the credits moved to (`reassignTo`); null when none were reassigned." })
  reassignedTo!: Artist | null;

  @Field(() => Int, { description: "How many works had their credit moved to `reassignedTo` (and were queued for re-embedding); 0 without `reassignTo`." })
  reassignedArtworkCount!: number;
}

@ObjectType({ description: "Result of merging duplicate artists into one." })
export class MergeArtistsPayload {
  @Field(() => Artist, { nullable: true, description: "The artist kept, now credited on the merged artists' works." })
  artist!: Artist | null;

  @Field(() => [ID], { description: "Global ids of the merged artists, now deleted." })
  mergedIds!: string[];

  @Field(() => Int, { description: "How many works had a credit moved (each queued for re-embedding, so its artist similarity follows)." })
  movedArtworkCount!: number;
}
