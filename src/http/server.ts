/**
 * The HTTP front: /graphql (POST, GET for queries, GraphiQL for browsers), /iiif/ (images), /health, /metrics and the
 * GraphiQL assets. CORS headers for the allowed origins (cors.ts) on every route. Bodies are capped before parsing; batches are capped; every response carries the
 * request id (x-request-id) that logs use. A batch's operations share one cost budget: over it, the whole batch is refused before any runs.
 */
import { randomUUID } from "node:crypto";
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import { HeaderMap, type ApolloServer } from "@apollo/server";
import type { Logger } from "pino";
import type { CorsConfig, LimitsConfig } from "../config/config.ts";
import type { GraphQLContext } from "../graphql/context.ts";
import { bytesBesideImages } from "./body-limit.ts";
import { createCorsHandler } from "./cors.ts";
import { graphiqlAsset, graphiqlPage } from "./graphiql.ts";
import type { GraphiqlTab } from "./graphiql-examples.ts";
import { IIIF_PREFIX } from "./iiif.ts";
import { mapAsset, mapPage } from "./map-page.ts";
import type { HealthReport } from "./health.ts";
import type { Metrics } from "./metrics.ts";

export interface HttpDeps {
  readonly apollo: ApolloServer<GraphQLContext>;
  readonly makeContext: (req: IncomingMessage, requestId: string) => Promise<GraphQLContext>;
  /** A batch's refusal (QUERY_TOO_EXPENSIVE) when its operations together cost more than one request may, else null. */
  readonly batchCost: (operations: readonly unknown[]) => string | null;
  readonly health: () => Promise<HealthReport>;
  readonly metrics: Metrics;
  readonly limits: LimitsConfig;
  readonly cors: CorsConfig;
  /** Serves stored images under /iiif/ (iiif.ts). */
  readonly iiif: (req: IncomingMessage, res: ServerResponse, pathname: string) => Promise<void>;
  /** The saved example tabs GraphiQL opens with (graphiql-examples.ts), worked out per page load. */
  readonly graphiqlTabs: () => Promise<readonly GraphiqlTab[]>;
  readonly log: Logger;
}

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers["content-length"] ?? 0);
    if (declared > max) {
      req.resume();
      reject(new BodyTooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > max) {
        req.removeAllListeners("data");
        req.resume();
        reject(new BodyTooLarge());
      } else chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

function clientError(res: ServerResponse, status: number, code: string, message: string): void {
  sendJson(res, status, { errors: [{ message, extensions: { code } }] });
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export function createHttpServer(deps: HttpDeps): http.Server {
  const { apollo, metrics, limits, log } = deps;
  const applyCors = createCorsHandler(deps.cors);

  async function graphql(req: IncomingMessage, res: ServerResponse, url: URL, requestId: string): Promise<void> {
    const method = (req.method ?? "GET").toUpperCase();
    if (method === "GET" && !url.searchParams.has("query") && (req.headers.accept ?? "").includes("text/html")) {
      const html = graphiqlPage("/graphql", await deps.graphiqlTabs());
      res.writeHead(200, { "content-type": "text/html; charset=utf-8", "content-length": Buffer.byteLength(html) });
      res.end(html);
      return;
    }
    let body: unknown = undefined;
    if (method === "POST") {
      let raw: Buffer;
      try {
        raw = await readBody(req, limits.maxBodyBytes);
      } catch (e) {
        if (e instanceof BodyTooLarge) {
          clientError(res, 413, "PAYLOAD_TOO_LARGE", `The request body is larger than ${mb(limits.maxBodyBytes)}, the limit. Send images by URL or make them smaller.`);
          return;
        }
        throw e;
      }
      const textCap = Math.min(limits.maxBodyBytesWithoutImage, limits.maxBodyBytes);
      if (raw.length > textCap) {
        const text = bytesBesideImages(raw);
        if (text > textCap) {
          clientError(res, 413, "PAYLOAD_TOO_LARGE", `The request body holds ${mb(text)} besides images; the limit without an image is ${mb(textCap)}. Split it into smaller requests (an import into calls of fewer rows).`);
          return;
        }
      }
      const type = req.headers["content-type"] ?? "";
      if (raw.length > 0 && type.includes("json")) {
        try {
          body = JSON.parse(raw.toString("utf8"));
        } catch {
          clientError(res, 400, "BAD_REQUEST", "The request body is not valid JSON.");
          return;
        }
      } else body = raw.toString("utf8");
      if (Array.isArray(body) && body.length > limits.maxBatchOperations) {
        clientError(res, 400, "BAD_REQUEST", `The batch holds ${body.length} operations; the limit is ${limits.maxBatchOperations}.`);
        return;
      }
      const refusal = Array.isArray(body) ? deps.batchCost(body) : null;
      if (refusal) {
        clientError(res, 400, "QUERY_TOO_EXPENSIVE", refusal);
        return;
      }
    }
    const headers = new HeaderMap();
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(", ") : v);
    const result = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method, headers, search: url.search, body },
      context: () => deps.makeContext(req, requestId),
    });
    for (const [k, v] of result.headers) res.setHeader(k, v);
    res.statusCode = result.status ?? 200;
    if (result.body.kind === "complete") {
      res.end(result.body.string);
    } else {
      for await (const chunk of result.body.asyncIterator) res.write(chunk);
      res.end();
    }
  }

  async function route(req: IncomingMessage, res: ServerResponse, requestId: string): Promise<string> {
    if (await applyCors(req, res)) return "preflight";
    const url = new URL(req.url ?? "/", "http://localhost");
    if (url.pathname === "/graphql") {
      await graphql(req, res, url, requestId);
      return "graphql";
    }
    if (url.pathname.startsWith(`${IIIF_PREFIX}/`)) {
      await deps.iiif(req, res, url.pathname);
      return "iiif";
    }
    if (url.pathname === "/health") {
      const report = await deps.health();
      sendJson(res, report.status === "down" ? 503 : 200, report);
      return "health";
    }
    if (url.pathname === "/metrics") {
      const text = await metrics.registry.metrics();
      res.writeHead(200, { "content-type": metrics.registry.contentType });
      res.end(text);
      return "metrics";
    }
    if (url.pathname.startsWith("/graphiql/")) {
      const asset = await graphiqlAsset(url.pathname.slice("/graphiql/".length));
      if (asset) {
        res.writeHead(200, { "content-type": asset.type, "content-length": asset.body.length, "cache-control": "public, max-age=86400" });
        res.end(asset.body);
        return "graphiql";
      }
    }
    if (url.pathname === "/map" || url.pathname.startsWith("/map/")) {
      const asset = url.pathname === "/map" ? { body: Buffer.from(mapPage()), type: "text/html; charset=utf-8" } : await mapAsset(url.pathname.slice("/map/".length));
      if (asset) {
        res.writeHead(200, { "content-type": asset.type, "content-length": asset.body.length });
        res.end(asset.body);
        return "map";
      }
    }
    if (url.pathname === "/") {
      res.writeHead(302, { location: "/graphql" });
      res.end();
      return "root";
    }
    sendJson(res, 404, { errors: [{ message: `Nothing at ${url.pathname}. The API is at /graphql.`, extensions: { code: "NOT_FOUND" } }] });
    return "not_found";
  }

  return http.createServer((req, res) => {
    const started = process.hrtime.bigint();
    const header = req.headers["x-request-id"];
    const requestId = typeof header === "string" && /^[\w.-]{1,100}$/.test(header) ? header : randomUUID();
    res.setHeader("x-request-id", requestId);
    route(req, res, requestId)
      .catch((e: unknown) => {
        log.error({ err: e, requestId }, "request failed");
        if (!res.headersSent) clientError(res, 500, "INTERNAL_SERVER_ERROR", "Something went wrong on our side. It has been logged; please try again later.");
        else res.end();
        return "error";
      })
      .then((name) => {
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        metrics.httpRequests.inc({ route: name, status: String(res.statusCode) });
        metrics.httpDuration.observe({ route: name }, seconds);
        log.debug({ requestId, method: req.method, url: req.url, status: res.statusCode, ms: Math.round(seconds * 1000) }, "request");
      });
  });
}
