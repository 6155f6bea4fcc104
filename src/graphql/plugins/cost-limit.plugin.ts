/**
 * Refuses operations whose estimated cost exceeds the limit, with the request's variables known
 * (page sizes passed as variables count too). Page sizes multiply what each node asks for.
 *
 * The estimate walks the whole operation against the schema, a good part of a small request's CPU.
 * It is remembered per parsed document (Apollo hands the same document object to every request with
 * the same query text) and per value of the variables that can change it: numbers (page sizes),
 * booleans (`@include` / `@skip`) and enums. Ids, strings and input objects never change a cost here
 * (no complexity function reads them), so "similar works of another work" is the same estimate.
 */
import type { ApolloServerPlugin } from "@apollo/server";
import {
  getNamedType,
  GraphQLError,
  isInputObjectType,
  typeFromAST,
  type DocumentNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from "graphql";
import { fieldExtensionsEstimator, getComplexity, simpleEstimator } from "graphql-query-complexity";

/** Estimates remembered per document (different variable values), before they are all forgotten. */
const PER_DOCUMENT = 256;

interface Remembered {
  /** Per operation name: the variables whose values can change its cost. */
  readonly costVariables: Map<string, readonly string[]>;
  readonly costs: Map<string, number>;
}

/** Variables of the operation that can change its cost (see the header). */
function costVariablesOf(operation: OperationDefinitionNode, schema: GraphQLSchema): string[] {
  return (operation.variableDefinitions ?? []).flatMap((v) => {
    const type = getNamedType(typeFromAST(schema, v.type));
    const costless = type?.name === "ID" || type?.name === "String" || isInputObjectType(type);
    return costless ? [] : [v.variable.name.value];
  });
}

export function costLimitPlugin(schema: GraphQLSchema, maxComplexity: number): ApolloServerPlugin {
  const remembered = new WeakMap<DocumentNode, Remembered>();

  function estimate(document: DocumentNode, operation: OperationDefinitionNode, operationName: string | undefined, variables: Record<string, unknown>): number | null {
    let r = remembered.get(document);
    if (!r) remembered.set(document, (r = { costVariables: new Map(), costs: new Map() }));
    const opKey = operationName ?? "";
    let names = r.costVariables.get(opKey);
    if (!names) r.costVariables.set(opKey, (names = costVariablesOf(operation, schema)));
    const key = `${opKey}\u0000${JSON.stringify(names.map((n) => variables[n] ?? null))}`;
    const known = r.costs.get(key);
    if (known !== undefined) return known;
    let cost: number;
    try {
      cost = getComplexity({
        schema,
        query: document,
        operationName,
        variables,
        estimators: [fieldExtensionsEstimator(), simpleEstimator({ defaultComplexity: 1 })],
      });
    } catch {
      // variables that do not coerce: execution reports them as BAD_USER_INPUT, and nothing runs
      return null;
    }
    if (r.costs.size >= PER_DOCUMENT) r.costs.clear();
    r.costs.set(key, cost);
    return cost;
  }

  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, operation, operationName }) {
          if (!operation) return; // Apollo has already refused a document without the named operation
          const cost = estimate(document, operation, operationName ?? undefined, request.variables ?? {});
          if (cost !== null && cost > maxComplexity) {
            throw new GraphQLError(
              `The operation would cost ${cost} points; the limit is ${maxComplexity}. Ask for fewer items per page or fewer nested fields.`,
              { extensions: { code: "GRAPHQL_VALIDATION_FAILED", http: { status: 400 } } },
            );
          }
        },
      };
    },
  };
}
