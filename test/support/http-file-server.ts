/**
 * A file server on 127.0.0.1 for download tests: serves one body, honours `Range: bytes=N-` with
 * 206 (unless told to ignore it), and can cut the connection after a number of bytes.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";

/** How the server behaves; may be changed between requests. */
export interface FileServerBehaviour {
  body: Uint8Array;
  /** Answer ranged requests with the whole file (200), as some servers do. */
  ignoreRange?: boolean;
  /** Destroy the socket after sending this many body bytes of the next response, once. */
  cutAfterBytes?: number;
  /** Answer every request with this status and no body. */
  status?: number;
}

/** A running test server. */
export interface FileServer {
  readonly url: string;
  readonly behaviour: FileServerBehaviour;
  /** The Range header of each request received (undefined when there was none). */
  readonly ranges: (string | undefined)[];
  close(): Promise<void>;
}

/** Starts a FileServer on an ephemeral port of 127.0.0.1. */
export async function startFileServer(behaviour: FileServerBehaviour): Promise<FileServer> {
  const ranges: (string | undefined)[] = [];
  const server = http.createServer((req, res) => {
    ranges.push(req.headers.range);
    if (behaviour.status !== undefined) {
      res.writeHead(behaviour.status).end();
      return;
    }
    const body = behaviour.body;
    const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? "");
    let start = 0;
    if (m && !behaviour.ignoreRange) {
      start = Number(m[1]);
      if (start >= body.length) {
        res.writeHead(416, { "content-range": `bytes */${body.length}` }).end();
        return;
      }
      res.writeHead(206, { "content-length": body.length - start, "content-range": `bytes ${start}-${body.length - 1}/${body.length}`, "accept-ranges": "bytes" });
    } else {
      res.writeHead(200, { "content-length": body.length, "accept-ranges": behaviour.ignoreRange ? "none" : "bytes" });
    }
    const rest = body.subarray(start);
    const cut = behaviour.cutAfterBytes;
    if (cut !== undefined && cut < rest.length) {
      behaviour.cutAfterBytes = undefined;
      res.write(rest.subarray(0, cut), () => setTimeout(() => res.socket?.destroy(), 20));
      return;
    }
    res.end(rest);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/vit-mae.onnx`,
    behaviour,
    ranges,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
