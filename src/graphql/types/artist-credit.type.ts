import { Field, Int, ObjectType } from "type-graphql";
import { Artist } from "./artist.type.ts";

@ObjectType({ description: "An artist's credit on one work." })
export class ArtistCredit {
  @Field(() => Artist, { description: "The credited artist." })
  artist!: Artist;

  @Field(() => String, { nullable: true, description: "Role on this work as recorded, e.g. \"designer\"; null when not stated." })
  role!: string | null;

  @Field(() => Int, { description: "Order of the credit on the work, from 0." })
  position!: number;

  // convenience so that `artists { name }` reads naturally
  @Field({ description: "The credited artist's name (same as `artist.name`)." })
  name(): string {
    return this.artist.name;
  }
}
