import { NonNegativeIntResolver, PositiveIntResolver } from "graphql-scalars";
import { Field, ObjectType } from "type-graphql";

@ObjectType({ description: "The image stored for a work." })
export class ArtworkImage {
  @Field({ description: "SHA-256 of the image file, in hex; equal images have equal hashes." })
  sha256!: string;

  @Field(() => NonNegativeIntResolver, { description: "File size in bytes." })
  sizeBytes!: number;

  @Field({ description: "Media type, e.g. \"image/jpeg\"." })
  mime!: string;

  @Field(() => PositiveIntResolver, { description: "Width in pixels." })
  width!: number;

  @Field(() => PositiveIntResolver, { description: "Height in pixels." })
  height!: number;

  @Field(() => String, { nullable: true, description: "Where the image was fetched from, when it came from a URL." })
  sourceUrl!: string | null;
}
