/**
 * Refuses operations whose estimated cost exceeds the limit, with the request's variables known
 * (page sizes passed as variables count too). Page sizes multiply what each node asks for.
 */
import type { ApolloServerPlugin } from "@apollo/server";
import { GraphQLError, type GraphQLSchema } from "graphql";
import { fieldExtensionsEstimator, getComplexity, simpleEstimator } from "graphql-query-complexity";

export function costLimitPlugin(schema: GraphQLSchema, maxComplexity: number): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, operationName }) {
          let cost: number;
          try {
            cost = getComplexity({
              schema,
              query: document,
              operationName: operationName ?? undefined,
              variables: request.variables ?? {},
              estimators: [fieldExtensionsEstimator(), simpleEstimator({ defaultComplexity: 1 })],
            });
          } catch {
            // variables that do not coerce: execution reports them as BAD_USER_INPUT, and nothing runs
            return;
          }
          if (cost > maxComplexity) {
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
