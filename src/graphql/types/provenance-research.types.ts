import { Field, Float, Int, ObjectType } from "type-graphql";
import type { ArtworkRow } from "../../ports/catalogue-store.port.ts";
import { Artwork } from "./artwork.type.ts";
import { PageInfo } from "./page-info.type.ts";
import { ProvenanceEvent } from "./provenance-event.type.ts";

@ObjectType({ description: "A run of years in which no provenance entry documents who held the work." })
export class ProvenanceGap {
  @Field(() => Int, { description: "First undocumented year." })
  from!: number;

  @Field(() => Int, { description: "Last undocumented year (inclusive)." })
  to!: number;

  @Field(() => ProvenanceEvent, { nullable: true, description: "The latest entry whose documented holding ends before the gap; null when none does." })
  before!: ProvenanceEvent | null;

  @Field(() => ProvenanceEvent, { nullable: true, description: "The first entry whose documented holding starts after the gap; null when none does." })
  after!: ProvenanceEvent | null;
}

@ObjectType({ description: "A work whose ownership in the asked span is unknown or undocumented for some years." })
export class ProvenanceGapWork {
  @Field(() => Artwork, { description: "The work." })
  artwork!: ArtworkRow;

  @Field(() => [ProvenanceGap], { description: "The undocumented runs of years, earliest first." })
  gaps!: ProvenanceGap[];

  @Field(() => Int, { description: "Number of undocumented years in the span, all gaps together." })
  uncoveredYears!: number;
}

@ObjectType({ description: "One work in a page of provenanceGap, with its cursor." })
export class ProvenanceGapEdge {
  @Field({ description: "Opaque position of this edge; pass it as `after`." })
  cursor!: string;

  @Field(() => ProvenanceGapWork, { description: "The work and its gaps." })
  node!: ProvenanceGapWork;
}

@ObjectType({ description: "A page of works with provenance gaps, in catalogue (id) order." })
export class ProvenanceGapConnection {
  @Field(() => [ProvenanceGapEdge], { description: "The works of this page; fewer than asked while hasNextPage is true means the scan limit was reached, not the end." })
  edges!: ProvenanceGapEdge[];

  @Field(() => PageInfo, { description: "Where to continue: pass `endCursor` as `after` while `hasNextPage` is true." })
  pageInfo!: PageInfo;
}

@ObjectType({ description: "A work that passed through some of the same hands as another work." })
export class SharedProvenanceWork {
  @Field(() => Artwork, { description: "The work." })
  artwork!: ArtworkRow;

  @Field(() => Float, { description: "Sum over the shared owners of ln(N / n): N works with a named owner, n of them with this owner; rarer owners count more. Owners on more than half of those works are not counted." })
  score!: number;

  @Field(() => [String], { description: "The shared owners, as the asked work's history names them, rarest first." })
  sharedOwners!: string[];
}
