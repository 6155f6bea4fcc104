/** Counts operations and error codes for /metrics, logs each operation with its request id, and hands that id to formatError with each error. */
import type { ApolloServerPlugin } from "@apollo/server";
import type { Metrics } from "../../http/metrics.ts";
import type { GraphQLContext } from "../context.ts";

/**
 * Operation names are the client's to choose: each distinct name would be a time series kept for
 * the life of the process (and sent on every scrape). The first names seen get a series each, up to
 * this many; later ones, and names longer than MAX_NAME_LENGTH, count as "other".
 */
export const MAX_OPERATION_NAMES = 200;
const MAX_NAME_LENGTH = 100;

export function observabilityPlugin(metrics: Metrics): ApolloServerPlugin<GraphQLContext> {
  const named = new Set<string>();
  const label = (name: string | null | undefined): string => {
    if (!name) return "anonymous";
    if (named.has(name)) return name;
    if (named.size >= MAX_OPERATION_NAMES || name.length > MAX_NAME_LENGTH) return "other";
    named.add(name);
    return name;
  };
  return {
    async requestDidStart({ contextValue }) {
      const started = Date.now();
      return {
        // the request id rides on each error to formatError, which logs the unexpected ones with it
        // (and builds the client's extensions afresh: it is not sent)
        async didEncounterErrors({ errors }) {
          for (const e of errors) if (Object.isExtensible(e.extensions)) e.extensions.requestId = contextValue.requestId;
        },
        async willSendResponse({ response, operationName, errors }) {
          const failed = (errors?.length ?? 0) > 0 || (response.body.kind === "single" && (response.body.singleResult.errors?.length ?? 0) > 0);
          metrics.graphqlOperations.inc({ operation: label(operationName), outcome: failed ? "error" : "ok" });
          const formatted = response.body.kind === "single" ? response.body.singleResult.errors ?? [] : [];
          for (const e of formatted) metrics.graphqlErrors.inc({ code: String(e.extensions?.code ?? "UNKNOWN") });
          contextValue.log.info({ requestId: contextValue.requestId, operation: operationName ?? "anonymous", ms: Date.now() - started, errors: formatted.length }, "graphql");
        },
      };
    },
  };
}
