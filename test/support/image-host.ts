/**
 * An image host on 127.0.0.1 for image-ingest tests: each path answers as its route says (a body with
 * a content type, a status with headers, a delay past the client's timeout, or a function of the
 * request count), and every request is logged with its time.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { crc32 } from "node:zlib";

/** What one path answers. */
export interface Route {
  status?: number;
  headers?: Record<string, string>;
  body?: Uint8Array | string;
  /** Wait this long before answering (a slow host). */
  delayMs?: number;
  /** Answer only when this settles (a host held up for as long as the test wants). */
  gate?: Promise<void>;
  /** Chooses the answer by how many times this path was asked before (0 for the first request). */
  byRequest?: (previous: number) => Route;
}

export interface ImageHost {
  /** Base URL, e.g. http://127.0.0.1:40123 */
  readonly url: string;
  readonly routes: Map<string, Route>;
  /** Every request received: its path and when (Date.now()). */
  readonly requests: { path: string; at: number }[];
  close(): Promise<void>;
}

export async function startImageHost(routes: Record<string, Route> = {}): Promise<ImageHost> {
  const table = new Map(Object.entries(routes));
  const requests: { path: string; at: number }[] = [];
  const server = http.createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? "/").split("?")[0]);
    const previous = requests.filter((r) => r.path === path).length;
    requests.push({ path, at: Date.now() });
    let route = table.get(path) ?? { status: 404, body: "not found" };
    if (route.byRequest) route = route.byRequest(previous);
    const answer = () => {
      if (res.destroyed) return;
      const body = typeof route.body === "string" ? Buffer.from(route.body) : route.body ?? new Uint8Array();
      res.writeHead(route.status ?? 200, { "content-length": body.length, ...route.headers }).end(body);
    };
    if (route.gate) void route.gate.then(answer);
    else if (route.delayMs) setTimeout(answer, route.delayMs).unref();
    else answer();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    routes: table,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * A decompression bomb in miniature: a valid PNG whose header declares `width` × `height` pixels
 * (its few data bytes would never fill them). The IHDR chunk is rewritten with its CRC.
 */
export function pngDeclaring(png: Uint8Array, width: number, height: number): Uint8Array {
  const out = Buffer.from(png);
  // signature (8) + IHDR length (4) + "IHDR" (4) + width (4) + height (4) + 5 bytes + CRC (4)
  if (out.toString("latin1", 12, 16) !== "IHDR") throw new Error("not a PNG");
  out.writeUInt32BE(width, 16);
  out.writeUInt32BE(height, 20);
  out.writeUInt32BE(crc32(out.subarray(12, 29)), 29);
  return new Uint8Array(out);
}
