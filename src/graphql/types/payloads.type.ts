import { Field, ID, Int, ObjectType } from "type-graphql";
import { Artist } from "./artist.type.ts";
import { Artwork } from "./artwork.type.ts";
import { ArtistConnection, ArtworkConnection } from "./artwork-connection.type.ts";
import { edgeTypeOf } from "./connection.ts";

/** A created object as an edge of its list, to append (Relay's @appendEdge). */
export interface CreatedEdge<T> {
  readonly cursor: string;
  readonly node: T;
}

const CLIENT_MUTATION_ID = "The input's `clientMutationId`, as sent; null when none was sent.";

/** Every payload echoes the input's clientMutationId (Relay). */
@ObjectType({ description: "Fields every mutation payload has." })
export abstract class MutationPayload {
  @Field(() => String, { nullable: true, description: CLIENT_MUTATION_ID })
  clientMutationId!: string | null;
}

@ObjectType({ description: "Result of creating or updating a work." })
export class ArtworkPayload extends MutationPayload {
  @Field(() => Artwork, { nullable: true, description: "The work as stored after the change." })
  artwork!: Artwork | null;
}

@ObjectType({ description: "Result of deleting a work." })
export class DeleteArtworkPayload extends MutationPayload {
  @Field(() => ID, { description: "Global id of the deleted work; it no longer appears in any query." })
  deletedId!: string;
}

@ObjectType({ description: "Result of creating or updating an artist." })
export class ArtistPayload extends MutationPayload {
  @Field(() => Artist, { nullable: true, description: "The artist as stored after the change." })
  artist!: Artist | null;
}

@ObjectType({ description: "Result of deleting an artist." })
export class DeleteArtistPayload extends MutationPayload {
  @Field(() => ID, { description: "Global id of the deleted artist; it no longer appears in any query." })
  deletedId!: string;

  @Field(() => Artist, { nullable: true, description: "The artist the credits moved to (`reassignTo`); null when none were reassigned." })
  reassignedTo!: Artist | null;

  @Field(() => Int, { description: "How many works had their credit moved to `reassignedTo` (and were queued for re-embedding); 0 without `reassignTo`." })
  reassignedArtworkCount!: number;
}

@ObjectType({ description: "Result of merging duplicate artists into one." })
export class MergeArtistsPayload extends MutationPayload {
  @Field(() => Artist, { nullable: true, description: "The artist kept, now credited on the merged artists' works." })
  artist!: Artist | null;

  @Field(() => [ID], { description: "Global ids of the merged artists, now deleted." })
  mergedIds!: string[];

  @Field(() => Int, { description: "How many works had a credit moved (each queued for re-embedding, so its artist similarity follows)." })
  movedArtworkCount!: number;
}

@ObjectType({ description: "Result of creating a work: the work, and the same work as an edge to append." })
export class CreateArtworkPayload extends ArtworkPayload {
  @Field(() => edgeTypeOf(ArtworkConnection), {
    nullable: true,
    description: "The created work as an edge of `artworks`, its cursor the work's position in the default order (title, A to Z); append it with Relay's @appendEdge.",
  })
  artworkEdge!: CreatedEdge<Artwork> | null;
}

@ObjectType({ description: "Result of creating an artist: the artist, and the same artist as an edge to append." })
export class CreateArtistPayload extends ArtistPayload {
  @Field(() => edgeTypeOf(ArtistConnection), {
    nullable: true,
    description: "The created artist as an edge of `artists`, its cursor the artist's position in name order; append it with Relay's @appendEdge.",
  })
  artistEdge!: CreatedEdge<Artist> | null;
}
