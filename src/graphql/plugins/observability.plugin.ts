/** Counts operations and error codes for /metrics and logs each operation with its request id. */
import type { ApolloServerPlugin } from "@apollo/server";
import type { Metrics } from "../../http/metrics.ts";
import type { GraphQLContext } from "../context.ts";

export function observabilityPlugin(metrics: Metrics): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart({ contextValue }) {
      const started = Date.now();
      return {
        async willSendResponse({ response, operationName, errors }) {
          const failed = (errors?.length ?? 0) > 0 || (response.body.kind === "single" && (response.body.singleResult.errors?.length ?? 0) > 0);
          metrics.graphqlOperations.inc({ operation: operationName ?? "anonymous", outcome: failed ? "error" : "ok" });
          const formatted = response.body.kind === "single" ? response.body.singleResult.errors ?? [] : [];
          for (const e of formatted) metrics.graphqlErrors.inc({ code: String(e.extensions?.code ?? "UNKNOWN") });
          contextValue.log.info({ requestId: contextValue.requestId, operation: operationName ?? "anonymous", ms: Date.now() - started, errors: formatted.length }, "graphql");
        },
      };
    },
  };
}
