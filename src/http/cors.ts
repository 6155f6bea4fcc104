/**
 * CORS for web pages on other origins (the `cors` middleware on the plain node:http server). Only the
 * configured origins (and, in development, localhost on any port) get Access-Control-Allow-* headers;
 * other origins get none, so the browser refuses to hand them the answer. Apollo's CSRF prevention
 * still refuses simple (preflight-free) requests without a JSON content type or
 * `Apollo-Require-Preflight` header.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import cors from "cors";
import type { CorsConfig } from "../config/config.ts";

const LOCALHOST = /^http:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d{1,5})?$/;

/** Whether a page served from `origin` may call the API. */
export function corsAllows(config: CorsConfig, origin: string): boolean {
  return config.origins.includes(origin) || (config.localhost && LOCALHOST.test(origin));
}

/**
 * Adds the CORS headers a request's Origin earns; answers a preflight (OPTIONS with
 * Access-Control-Request-Method) itself. Resolves to true when the response has been sent.
 */
export function createCorsHandler(config: CorsConfig): (req: IncomingMessage, res: ServerResponse) => Promise<boolean> {
  const middleware = cors({
    origin: (origin, callback) => callback(null, origin !== undefined && corsAllows(config, origin)),
    methods: ["GET", "POST", "OPTIONS"],
    allowedHeaders: ["Content-Type", "Authorization", "Apollo-Require-Preflight", "X-Apollo-Operation-Name", "X-Request-Id", "If-None-Match"],
    exposedHeaders: ["X-Request-Id", "ETag"],
    credentials: config.credentials,
    maxAge: config.maxAgeSeconds,
    optionsSuccessStatus: 204,
  });
  return (req, res) =>
    new Promise((resolve, reject) => {
      // the middleware calls next() unless it has answered a preflight
      res.once("finish", () => resolve(true));
      middleware(req, res, (err?: unknown) => (err ? reject(err) : resolve(res.writableEnded)));
    });
}
