import { Field, InputType, registerEnumType } from "type-graphql";

export enum ArtworkSortField {
  TITLE = "TITLE",
  YEAR = "YEAR",
  CREATED_AT = "CREATED_AT",
}
registerEnumType(ArtworkSortField, {
  name: "ArtworkSortField",
  description: "What to order works by.",
  valuesConfig: {
    TITLE: { description: "Title, alphabetically." },
    YEAR: { description: "Earliest year of the date range; works without a date come last." },
    CREATED_AT: { description: "When the record was added to this catalogue." },
  },
});

export enum SortDirection {
  ASC = "ASC",
  DESC = "DESC",
}
registerEnumType(SortDirection, {
  name: "SortDirection",
  description: "Order of a sort.",
  valuesConfig: { ASC: { description: "Smallest or earliest first." }, DESC: { description: "Largest or latest first." } },
});

@InputType({ description: "How to order a list of works. Ties are broken by id, so pages are stable." })
export class ArtworkSort {
  @Field(() => ArtworkSortField, { description: "The value to order by. Default TITLE." })
  field: ArtworkSortField = ArtworkSortField.TITLE;

  @Field(() => SortDirection, { description: "Ascending or descending. Default ASC." })
  direction: SortDirection = SortDirection.ASC;
}
