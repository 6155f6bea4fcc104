import { PositiveFloatResolver } from "graphql-scalars";
import { Field, ObjectType } from "type-graphql";

@ObjectType({ description: "Physical size of a work: the text as catalogued and the measures in centimetres." })
export class Dimensions {
  @Field(() => String, { nullable: true, description: "As catalogued, e.g. \"H 13 in. x W 5.875 in.\"." })
  text!: string | null;

  @Field(() => PositiveFloatResolver, { nullable: true, description: "Width in centimetres; null when not recorded." })
  widthCm!: number | null;

  @Field(() => PositiveFloatResolver, { nullable: true, description: "Height in centimetres; null when not recorded." })
  heightCm!: number | null;

  @Field(() => PositiveFloatResolver, { nullable: true, description: "Depth in centimetres (three-dimensional works); null when not recorded." })
  depthCm!: number | null;

  @Field(() => PositiveFloatResolver, { nullable: true, description: "Diameter in centimetres (round works); null when not recorded." })
  diameterCm!: number | null;
}
