/** Prometheus metrics for /metrics (prom-client), one registry per app. */
import { Counter, Histogram, Registry, collectDefaultMetrics } from "prom-client";

export class Metrics {
  readonly registry = new Registry();
  readonly httpRequests = new Counter({ name: "vitrine_http_requests_total", help: "HTTP requests by route and status", labelNames: ["route", "status"] as const, registers: [this.registry] });
  readonly httpDuration = new Histogram({
    name: "vitrine_http_request_duration_seconds",
    help: "HTTP request duration by route",
    labelNames: ["route"] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  readonly graphqlOperations = new Counter({ name: "vitrine_graphql_operations_total", help: "GraphQL operations by name (the first 200 names seen; later ones as \"other\") and outcome", labelNames: ["operation", "outcome"] as const, registers: [this.registry] });
  readonly graphqlErrors = new Counter({ name: "vitrine_graphql_errors_total", help: "GraphQL errors by extensions.code", labelNames: ["code"] as const, registers: [this.registry] });
  readonly sqlQueries = new Counter({ name: "vitrine_sql_queries_total", help: "SQL statements sent to the catalogue database", registers: [this.registry] });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: "vitrine_" });
  }
}
