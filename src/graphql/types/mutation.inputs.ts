/**
 * The Relay form of every mutation's argument: one `input` object holding the selector (`id`, …), the
 * fields, and an optional `clientMutationId` echoed in the payload. Errors name paths under `input`,
 * e.g. "input.artwork.yearEnd".
 */
import { ArrayMaxSize, MaxLength, ValidateNested } from "class-validator";
import { Field, ID, InputType } from "type-graphql";
import { MAX_MERGE } from "../../services/catalogue.service.ts";
import { ArtistInput, ArtworkInput } from "./artwork.input.ts";
import { ImageInput } from "./similarity.types.ts";
import { ArtworkImportRowInput } from "./artwork-import.types.ts";

const CLIENT_MUTATION_ID = "Any string the client picks to match this mutation with its payload; echoed as the payload's `clientMutationId`. At most 256 characters.";

@InputType({ description: "Fields every mutation input has." })
export abstract class MutationInput {
  @Field(() => String, { nullable: true, description: CLIENT_MUTATION_ID })
  @MaxLength(256)
  clientMutationId?: string;
}

@InputType({ description: "What createArtwork needs: the new work." })
export class CreateArtworkInput extends MutationInput {
  @Field(() => ArtworkInput, { description: "The new work; `title` is required." })
  @ValidateNested()
  artwork!: ArtworkInput;
}

@InputType({ description: "What updateArtwork needs: which work, and the fields to change." })
export class UpdateArtworkInput extends MutationInput {
  @Field(() => ID, { description: "The work to change (its `id` or `internalID`)." })
  id!: string;

  @Field(() => ArtworkInput, { description: "The fields to change; fields left out keep their value." })
  @ValidateNested()
  artwork!: ArtworkInput;
}

@InputType({ description: "What attachArtworkImage needs: which work, and its image." })
export class AttachArtworkImageInput extends MutationInput {
  @Field(() => ID, { description: "The work (its `id` or `internalID`)." })
  id!: string;

  @Field(() => ImageInput, { description: "The image, by URL or base64 (no `region`)." })
  @ValidateNested()
  image!: ImageInput;
}

@InputType({ description: "What deleteArtwork needs: which work." })
export class DeleteArtworkInput extends MutationInput {
  @Field(() => ID, { description: "The work to delete (its `id` or `internalID`)." })
  id!: string;
}

@InputType({ description: "What createArtist needs: the new artist." })
export class CreateArtistInput extends MutationInput {
  @Field(() => ArtistInput, { description: "The new artist; `name` is required." })
  @ValidateNested()
  artist!: ArtistInput;
}

@InputType({ description: "What updateArtist needs: which artist, and the fields to change." })
export class UpdateArtistInput extends MutationInput {
  @Field(() => ID, { description: "The artist to change (its `id` or `internalID`)." })
  id!: string;

  @Field(() => ArtistInput, { description: "The fields to change; fields left out keep their value." })
  @ValidateNested()
  artist!: ArtistInput;
}

@InputType({ description: "What deleteArtist needs: which artist, and where its credits go." })
export class DeleteArtistInput extends MutationInput {
  @Field(() => ID, { description: "The artist to delete (its `id` or `internalID`)." })
  id!: string;

  @Field(() => ID, { nullable: true, description: "Another artist to credit instead on this artist's works (they are re-embedded). Default: none." })
  reassignTo?: string | null;
}

@InputType({ description: "What mergeArtists needs: the artist that stays and its duplicates." })
export class MergeArtistsInput extends MutationInput {
  @Field(() => ID, { description: "The artist that stays." })
  keep!: string;

  @Field(() => [ID], { description: `The duplicates to fold into \`keep\`; 1 to ${MAX_MERGE} ids, not \`keep\` itself.` })
  merge!: string[];
}

@InputType({ description: "What importArtworks needs: the rows." })
export class ImportArtworksInput extends MutationInput {
  @Field(() => [ArtworkImportRowInput], { description: "The works, 1 to 1,000 rows, in the shape of a catalogue file's lines; a sourceId twice in one call is rejected the second time." })
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  rows!: ArtworkImportRowInput[];
}
