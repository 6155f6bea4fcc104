import { NonNegativeIntResolver, PositiveIntResolver } from "graphql-scalars";
import { Field, ObjectType, registerEnumType } from "type-graphql";
import type { ImageStatus as ImageStatusName } from "../../domain/image-request.ts";
import { PaletteColour } from "./palette-colour.type.ts";

/** GraphQL enum of where a work's image stands; the values are the stored names. */
export enum ImageStatus {
  NONE = "NONE",
  PENDING = "PENDING",
  READY = "READY",
  FAILED = "FAILED",
}

registerEnumType(ImageStatus, {
  name: "ImageStatus",
  description: "Where a work's image stands.",
  valuesConfig: {
    NONE: { description: "The work names no image and none was attached." },
    PENDING: { description: "An image the catalogue names is queued to be fetched (or is being retried after a transient failure)." },
    READY: { description: "The image is stored and checked; its palette is known and it is part of the work's vector." },
    FAILED: { description: "The named image could not be had (see `problem`); the work's vector uses its catalogue metadata only." },
  },
});

@ObjectType({ description: "A work's image: where it stands and, once stored, what it is. The file fields are null until an image is stored." })
export class ArtworkImage {
  @Field(() => ImageStatus, { description: "Where the image stands: NONE, PENDING, READY or FAILED." })
  status!: ImageStatusName;

  @Field(() => String, { nullable: true, description: "Why the image could not be had, in words a person can act on; null unless status is FAILED." })
  problem!: string | null;

  @Field(() => String, { nullable: true, description: "SHA-256 of the image file, in hex; equal images have equal hashes. Null until an image is stored." })
  sha256!: string | null;

  @Field(() => NonNegativeIntResolver, { nullable: true, description: "File size in bytes. Null until an image is stored." })
  sizeBytes!: number | null;

  @Field(() => String, { nullable: true, description: "Media type, e.g. \"image/jpeg\". Null until an image is stored." })
  mime!: string | null;

  @Field(() => PositiveIntResolver, { nullable: true, description: "Width in pixels of the stored file (a IIIF rendition is at most 448). Null until an image is stored." })
  width!: number | null;

  @Field(() => PositiveIntResolver, { nullable: true, description: "Height in pixels of the stored file (a IIIF rendition is at most 448). Null until an image is stored." })
  height!: number | null;

  @Field(() => String, { nullable: true, description: "Where the image was fetched from (an image URL or a IIIF service); null for uploads and local files." })
  sourceUrl!: string | null;

  @Field(() => [PaletteColour], { description: "Dominant colours of the stored image, largest share first; empty until an image is stored." })
  palette!: PaletteColour[];
}
