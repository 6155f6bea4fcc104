import { Field, InputType, registerEnumType } from "type-graphql";

export enum ArtworkSortField {
  TITLE = "TITLE",
  YEAR = "YEAR",
  CREATED_AT = "CREATED_AT",
  RELEVANCE = "RELEVANCE",
}
registerEnumType(ArtworkSortField, {
  name: "ArtworkSortField",
  description: "What to order works by.",
  valuesConfig: {
    TITLE: { description: "Title, alphabetically, ignoring case and accents (\"Écuelle\" among the E's)." },
    YEAR: { description: "Earliest year of the date range; works without a date come last." },
    CREATED_AT: { description: "When the record was added to this catalogue." },
    RELEVANCE: { description: "How well the work matches `filter.text`, best match first in ASC; needs `filter.text`." },
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
  @Field(() => ArtworkSortField, { nullable: true, description: "The value to order by. Default RELEVANCE when `filter.text` is given, else TITLE." })
  field?: ArtworkSortField;

  @Field(() => SortDirection, { description: "Ascending or descending. Default ASC." })
  direction: SortDirection = SortDirection.ASC;
}
