/**
 * The image route, in the IIIF Image API 3.0 URL form: `/iiif/{id}/info.json` and
 * `/iiif/{id}/{region}/{size}/{rotation}/{quality}.{format}` (IiifImageService does the work). Answers
 * carry a strong ETag and `Cache-Control: public, max-age=31536000, immutable` (the identifier is the
 * content hash); If-None-Match gets 304. Bad parameters are 400, an unknown image 404, each with a
 * JSON body `{ error: { code, message } }`.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { isDomainError } from "../domain/errors.ts";
import type { IiifImageService } from "../services/iiif-image.service.ts";
import { baseUrlOf } from "./base-url.ts";

/** Where the route lives. */
export const IIIF_PREFIX = "/iiif";

const IMMUTABLE = "public, max-age=31536000, immutable";

function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.trim() === "*" || ifNoneMatch.split(",").some((t) => t.trim().replace(/^W\//, "") === etag);
}

function fail(res: ServerResponse, status: number, code: string, message: string): void {
  const body = JSON.stringify({ error: { code, message } });
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(body), "cache-control": "no-store" });
  res.end(body);
}

/** Handles a request under /iiif/ (GET or HEAD); `publicUrl` is the configured base URL, if any. */
export function createIiifHandler(images: IiifImageService, publicUrl: string | undefined) {
  return async (req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> => {
    const method = (req.method ?? "GET").toUpperCase();
    if (method !== "GET" && method !== "HEAD") {
      res.setHeader("allow", "GET, HEAD");
      fail(res, 405, "METHOD_NOT_ALLOWED", "Images are read with GET or HEAD.");
      return;
    }
    let segments: string[];
    try {
      segments = pathname.slice(IIIF_PREFIX.length + 1).split("/").map(decodeURIComponent);
    } catch {
      fail(res, 400, "BAD_REQUEST", "The image URL is not properly percent-encoded.");
      return;
    }
    const [id, ...rest] = segments;
    try {
      if (rest.length === 0 || (rest.length === 1 && rest[0] === "")) {
        // the IIIF base URI of an image redirects to its description
        res.writeHead(303, { location: `${IIIF_PREFIX}/${encodeURIComponent(id)}/info.json` });
        res.end();
        return;
      }
      if (rest.length === 1 && rest[0] === "info.json") {
        const etag = images.etag(id, "info");
        await images.dimensions(id); // 404 before any 304
        if (matches(req.headers["if-none-match"], etag)) {
          res.writeHead(304, { etag, "cache-control": IMMUTABLE });
          res.end();
          return;
        }
        const body = JSON.stringify(await images.info(id, `${baseUrlOf(req, publicUrl)}${IIIF_PREFIX}`));
        const type = (req.headers.accept ?? "").includes("application/ld+json") ? 'application/ld+json;profile="http://iiif.io/api/image/3/context.json"' : "application/json";
        // the id inside depends on the Host asked for: not immutable, but stable for a day
        res.writeHead(200, { "content-type": type, "content-length": Buffer.byteLength(body), etag, "cache-control": "public, max-age=86400", vary: "Host" });
        res.end(method === "HEAD" ? undefined : body);
        return;
      }
      if (rest.length !== 4) {
        fail(res, 400, "BAD_REQUEST", `An image URL is ${IIIF_PREFIX}/{id}/{region}/{size}/{rotation}/{quality}.{format}, e.g. ${IIIF_PREFIX}/{id}/full/600,/0/default.jpg, or ${IIIF_PREFIX}/{id}/info.json.`);
        return;
      }
      const params = { region: rest[0], size: rest[1], rotation: rest[2], qualityFormat: rest[3] };
      const etag = images.etag(id, params);
      if (matches(req.headers["if-none-match"], etag)) {
        await images.dimensions(id);
        res.writeHead(304, { etag, "cache-control": IMMUTABLE });
        res.end();
        return;
      }
      const image = await images.image(id, params);
      res.writeHead(200, { "content-type": image.mime, "content-length": image.bytes.length, etag: image.etag, "cache-control": IMMUTABLE });
      res.end(method === "HEAD" ? undefined : image.bytes);
    } catch (e) {
      if (isDomainError(e) && e.code === "NOT_FOUND") return fail(res, 404, "NOT_FOUND", e.message);
      if (isDomainError(e) && e.code === "BAD_USER_INPUT") return fail(res, 400, "BAD_REQUEST", e.message);
      throw e;
    }
  };
}
