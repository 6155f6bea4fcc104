import { HexColorCodeResolver } from "graphql-scalars";
import { Field, Float, ObjectType } from "type-graphql";

@ObjectType({ description: "A dominant colour of a work's image." })
export class PaletteColour {
  @Field(() => HexColorCodeResolver, { description: "sRGB colour, e.g. \"#a83232\"." })
  hex!: string;

  @Field(() => Float, { description: "Share of the image covered by this colour, from 0 to 1." })
  weight!: number;
}
