import { buildSchema, graphql, type GraphQLResolveInfo } from "graphql";
import { describe, expect, it } from "vitest";
import { selects } from "./selection.ts";

const schema = buildSchema(`
  type Part { score: Float }
  type Edge { score: Float, breakdown: Part }
  type Connection { edges: [Edge] }
  type Query { similar: Connection }
`);

/** What `selects(info, "edges", "breakdown")` said while resolving `similar` in `query`. */
async function asks(query: string, variables: Record<string, unknown> = {}): Promise<boolean> {
  let seen: boolean | null = null;
  const rootValue = {
    similar: (_args: unknown, _ctx: unknown, info: GraphQLResolveInfo) => {
      seen = selects(info, "edges", "breakdown");
      return { edges: [] };
    },
  };
  const r = await graphql({ schema, source: query, rootValue, variableValues: variables });
  expect(r.errors).toBeUndefined();
  return seen as unknown as boolean;
}

describe("selects", () => {
  it("should see a field selected directly, under an alias, or through inline and named fragments", async () => {
    expect(await asks(`{ similar { edges { breakdown { score } } } }`)).toBe(true);
    expect(await asks(`{ similar { edges { why: breakdown { score } } } }`)).toBe(true);
    expect(await asks(`{ similar { ... on Connection { edges { ... on Edge { breakdown { score } } } } } }`)).toBe(true);
    expect(await asks(`{ similar { ...C } } fragment C on Connection { edges { ...E } } fragment E on Edge { breakdown { score } }`)).toBe(true);
  });

  it("should not see a field that is not selected, or one that @skip or @include leave out", async () => {
    expect(await asks(`{ similar { edges { score } } }`)).toBe(false);
    expect(await asks(`query($no: Boolean!) { similar { edges { score breakdown @include(if: $no) { score } } } }`, { no: false })).toBe(false);
    expect(await asks(`query($yes: Boolean!) { similar { edges { score breakdown @skip(if: $yes) { score } } } }`, { yes: true })).toBe(false);
    expect(await asks(`{ similar { edges @skip(if: true) { breakdown { score } } } }`)).toBe(false);
    expect(await asks(`query($yes: Boolean!) { similar { edges { breakdown @include(if: $yes) { score } } } }`, { yes: true })).toBe(true);
  });

  it("should see the field when any of several selections of the path holds it", async () => {
    expect(await asks(`{ similar { edges { score } edges { breakdown { score } } } }`)).toBe(true);
    expect(await asks(`{ similar { a: edges { score } b: edges { breakdown { score } } } }`)).toBe(true);
  });
});
