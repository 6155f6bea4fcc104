/** The Apollo server over the vitrine schema, with limits, error formatting and observability. */
import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import type { GraphQLSchema } from "graphql";
import depthLimit from "graphql-depth-limit";
import type { Logger } from "pino";
import type { LimitsConfig } from "../config/config.ts";
import type { Metrics } from "../http/metrics.ts";
import type { GraphQLContext } from "./context.ts";
import { createFormatError } from "./errors.ts";
import { costLimitPlugin, type CostEstimator } from "./plugins/cost-limit.plugin.ts";
import { afterFragmentChecks, aliasLimitRule, knownOperationTypesRule } from "./plugins/limits.ts";
import { observabilityPlugin } from "./plugins/observability.plugin.ts";

/** `costs` estimates operations' costs (shared with the HTTP layer's check of whole batches); `isOutage` recognises a dependency's outage among errors no service mapped (see FormatOptions). */
export function createApollo(schema: GraphQLSchema, limits: LimitsConfig, costs: CostEstimator, metrics: Metrics, log: Logger, isOutage?: (error: unknown) => boolean): ApolloServer<GraphQLContext> {
  return new ApolloServer<GraphQLContext>({
    schema,
    introspection: true,
    allowBatchedHttpRequests: true,
    includeStacktraceInErrorResponses: false,
    csrfPrevention: true,
    // the serve command shuts down in order (HTTP, Apollo, worker, index, store); Apollo's own signal
    // handlers would stop it a second time, concurrently, and re-raise the signal
    stopOnTerminationSignals: false,
    // compact JSON (Apollo pretty-prints by default): less to write and to send
    stringifyResult: (value) => JSON.stringify(value),
    // a document longer than this is refused while it is parsed (deep nesting would overflow the stack)
    parseOptions: { maxTokens: limits.maxTokens },
    validationRules: [knownOperationTypesRule, afterFragmentChecks([depthLimit(limits.maxDepth), aliasLimitRule(limits.maxAliases)])],
    formatError: createFormatError({ logUnexpected: (err, requestId) => log.error({ err, requestId }, "unexpected error in a resolver"), isOutage }),
    // no cache-control hints are used; the default plugin would wrap every field's resolver to collect them
    plugins: [ApolloServerPluginCacheControlDisabled(), ApolloServerPluginLandingPageDisabled(), costLimitPlugin(costs, limits.maxComplexity), observabilityPlugin(metrics)],
    logger: { debug: () => {}, info: () => {}, warn: (m) => log.warn(m), error: (m) => log.error(m) },
  });
}
