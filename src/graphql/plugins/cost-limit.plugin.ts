/**
 * Refuses operations whose estimated cost exceeds the limit, with the request's variables known
 * (page sizes passed as variables count too). Page sizes multiply what each node asks for; the
 * similar-works features are priced by what they cost (similarity.resolver.ts). The operations of an
 * HTTP batch share one budget: a batch whose operations together exceed it is refused whole, before
 * any of them runs (`batchCostCheck`). Either refusal is QUERY_TOO_EXPENSIVE, HTTP 400.
 *
 * The estimate walks the whole operation against the schema, a good part of a small request's CPU.
 * It is remembered per parsed document (Apollo hands the same document object to every request with
 * the same query text) and per value of the variables that can change it: numbers (page sizes),
 * booleans (`@include` / `@skip`) and enums by value, input objects by whether they are given (a
 * complexity function may read whether `weights` is there, never what is in it). Ids and strings never
 * change a cost, so "similar works of another work" is the same estimate.
 */
import type { ApolloServerPlugin } from "@apollo/server";
import {
  getNamedType,
  getOperationAST,
  GraphQLError,
  parse,
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
  readonly costVariables: Map<string, readonly CostVariable[]>;
  readonly costs: Map<string, number>;
}

/** A variable that can change the cost: by its value, or (input objects) by whether it is given. */
interface CostVariable {
  readonly name: string;
  readonly presenceOnly: boolean;
}

/** Variables of the operation that can change its cost (see the header). */
function costVariablesOf(operation: OperationDefinitionNode, schema: GraphQLSchema): CostVariable[] {
  return (operation.variableDefinitions ?? []).flatMap((v) => {
    const type = getNamedType(typeFromAST(schema, v.type));
    if (type?.name === "ID" || type?.name === "String") return [];
    return [{ name: v.variable.name.value, presenceOnly: isInputObjectType(type) }];
  });
}

/** The refusal a client sees (QUERY_TOO_EXPENSIVE). */
export function tooExpensiveMessage(cost: number, maxComplexity: number, batch: number): string {
  return batch > 1
    ? `The ${batch} operations of this batch would cost ${cost} points together; the limit is ${maxComplexity} per request, shared by a batch's operations. Send fewer operations per batch, fewer aliases, smaller pages or fewer heavy options (diversity, groupByArtist, weights).`
    : `The operation would cost ${cost} points; the limit is ${maxComplexity}. Ask for fewer items per page, fewer aliases or nested fields, or fewer heavy options (diversity, groupByArtist, weights).`;
}

/** Estimates operations' costs, remembering them per document and cost-relevant variable values. */
export interface CostEstimator {
  /** The cost, or null when the variables do not coerce (execution reports them). */
  estimate(document: DocumentNode, operation: OperationDefinitionNode, operationName: string | undefined, variables: Record<string, unknown>): number | null;
}

export function createCostEstimator(schema: GraphQLSchema): CostEstimator {
  const remembered = new WeakMap<DocumentNode, Remembered>();

  function estimate(document: DocumentNode, operation: OperationDefinitionNode, operationName: string | undefined, variables: Record<string, unknown>): number | null {
    let r = remembered.get(document);
    if (!r) remembered.set(document, (r = { costVariables: new Map(), costs: new Map() }));
    const opKey = operationName ?? "";
    let names = r.costVariables.get(opKey);
    if (!names) r.costVariables.set(opKey, (names = costVariablesOf(operation, schema)));
    const key = `${opKey}\u0000${JSON.stringify(names.map((n) => (n.presenceOnly ? variables[n.name] != null : (variables[n.name] ?? null))))}`;
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

  return { estimate };
}

/** Query texts of batched operations parsed before they run, remembered up to this many. */
const PARSED_TEXTS = 256;

/**
 * The check of a whole batch (an HTTP body that is a list of operations), before any runs: the refusal
 * message when their costs together exceed `maxComplexity`, else null. An entry that is not a valid
 * operation counts 0 here: Apollo refuses it with its own error.
 */
export function batchCostCheck(estimator: CostEstimator, maxComplexity: number, maxTokens: number): (operations: readonly unknown[]) => string | null {
  const parsed = new Map<string, DocumentNode | null>();
  const documentOf = (text: string): DocumentNode | null => {
    let doc = parsed.get(text);
    if (doc === undefined) {
      try {
        doc = parse(text, { maxTokens });
      } catch {
        doc = null;
      }
      if (parsed.size >= PARSED_TEXTS) parsed.clear();
      parsed.set(text, doc);
    }
    return doc;
  };
  return (operations) => {
    let total = 0;
    for (const op of operations) {
      if (typeof op !== "object" || op === null) continue;
      const { query, operationName, variables } = op as { query?: unknown; operationName?: unknown; variables?: unknown };
      if (typeof query !== "string") continue;
      const document = documentOf(query);
      const name = typeof operationName === "string" ? operationName : undefined;
      const operation = document && getOperationAST(document, name);
      if (!document || !operation) continue;
      const vars = typeof variables === "object" && variables !== null ? (variables as Record<string, unknown>) : {};
      total += estimator.estimate(document, operation, name, vars) ?? 0;
    }
    return total > maxComplexity ? tooExpensiveMessage(total, maxComplexity, operations.length) : null;
  };
}

export function costLimitPlugin(estimator: CostEstimator, maxComplexity: number): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, operation, operationName }) {
          if (!operation) return; // Apollo has already refused a document without the named operation
          const cost = estimator.estimate(document, operation, operationName ?? undefined, request.variables ?? {});
          if (cost !== null && cost > maxComplexity) {
            throw new GraphQLError(tooExpensiveMessage(cost, maxComplexity, 1), { extensions: { code: "QUERY_TOO_EXPENSIVE", http: { status: 400 } } });
          }
        },
      };
    },
  };
}
