import { Field, Int, ObjectType } from "type-graphql";

@ObjectType({ description: "One entry of a work's ownership history, oldest first." })
export class ProvenanceEvent {
  @Field(() => Int, { description: "Order in the history, from 0 (earliest known)." })
  position!: number;

  @Field(() => String, { nullable: true, description: "Owner or dealer named by the entry; null when the text names none." })
  owner!: string | null;

  @Field(() => String, { nullable: true, description: "Place of the owner, when recorded." })
  place!: string | null;

  @Field(() => String, { nullable: true, description: "When, as written, e.g. \"by 1843\" or \"until January 18, 1941\"." })
  dateText!: string | null;

  @Field(() => Int, { nullable: true, description: "First year of the entry, when known." })
  yearStart!: number | null;

  @Field(() => Int, { nullable: true, description: "Last year of the entry, when known." })
  yearEnd!: number | null;

  @Field(() => String, { nullable: true, description: "How this owner acquired the work: gift, purchase, bequest, auction, by descent, exchange, commission or transfer." })
  method!: string | null;

  @Field({ description: "The entry exactly as the cataloguer wrote it." })
  text!: string;
}
