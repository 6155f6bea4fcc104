/**
 * A Hugging Face Hub stand-in on 127.0.0.1 for `vitrine model fetch` tests: serves one repository's
 * files at `/{repo}/resolve/{revision}/{file}` for the branch "main" and its commit, as the Hub does:
 * every answer carries `X-Repo-Commit`; a small file is answered directly (200, ETag of the git
 * blob, not a SHA-256); an LFS file (`lfs: true`) is answered with a 302 to a CDN path plus
 * `X-Linked-Etag` (its SHA-256 in quotes) and `X-Linked-Size`, and the CDN path serves the bytes
 * with Range support; a small file may instead be answered with a relative 307 to the Hub's resolve
 * cache. The test can declare a wrong SHA-256, cut one download short, or turn it into a plain
 * static file server (a simple mirror).
 */
import { createHash } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";

/** One file of the repository. */
export interface HubServerFile {
  body: Uint8Array;
  /** Stored with git LFS: redirected to the CDN, SHA-256 declared. */
  lfs?: boolean;
  /** Declare this SHA-256 instead of the real one (a damaged mirror). */
  declaredSha256?: string;
  /** Destroy the connection after this many body bytes of the next CDN download, once. */
  cutAfterBytes?: number;
  /** Answer a small file with a relative 307 to `/api/resolve-cache/...`, as the Hub now does, and serve it there. */
  viaResolveCache?: boolean;
}

/** A running stand-in. */
export interface HubServer {
  /** The endpoint (HF_ENDPOINT). */
  readonly url: string;
  readonly repo: string;
  readonly commit: string;
  /** Files by name; may be changed between requests. */
  readonly files: Map<string, HubServerFile>;
  /** Behave as a plain static file server (no HEAD, no Range, no Hub headers, no redirects). */
  plain: boolean;
  /** Every request: method, path and Range header. */
  readonly requests: { method: string; path: string; range: string | undefined }[];
  close(): Promise<void>;
}

const sha256 = (b: Uint8Array): string => createHash("sha256").update(b).digest("hex");

/** Starts the stand-in for `repo` on an ephemeral port. */
export async function startHubServer(repo: string, files: Record<string, HubServerFile>, commit = "0123456789abcdef0123456789abcdef01234567"): Promise<HubServer> {
  const table = new Map(Object.entries(files));
  const requests: HubServer["requests"] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    requests.push({ method: req.method ?? "GET", path: url.pathname, range: req.headers.range });
    const cdn = /^\/cdn\/([^/]+)$/.exec(url.pathname);
    if (cdn) {
      const file = table.get(decodeURIComponent(cdn[1]));
      if (!file) return void res.writeHead(404).end();
      const body = file.body;
      const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? "");
      const start = m ? Number(m[1]) : 0;
      if (start >= body.length && m) return void res.writeHead(416, { "content-range": `bytes */${body.length}` }).end();
      res.writeHead(m ? 206 : 200, {
        "content-length": body.length - start,
        "accept-ranges": "bytes",
        ...(m ? { "content-range": `bytes ${start}-${body.length - 1}/${body.length}` } : {}),
      });
      if (req.method === "HEAD") return void res.end();
      const rest = body.subarray(start);
      if (file.cutAfterBytes !== undefined && file.cutAfterBytes < rest.length) {
        const cut = file.cutAfterBytes;
        file.cutAfterBytes = undefined;
        res.write(rest.subarray(0, cut), () => setTimeout(() => res.socket?.destroy(), 20));
        return;
      }
      return void res.end(rest);
    }
    const cached = /^\/api\/resolve-cache\/models\/(.+)\/([0-9a-f]{40})\/([^/]+)$/.exec(url.pathname);
    if (cached && cached[1] === repo && cached[2] === commit && table.has(decodeURIComponent(cached[3]))) {
      const body = table.get(decodeURIComponent(cached[3]))!.body;
      res.writeHead(200, { "content-length": body.length, "x-repo-commit": commit });
      return void res.end(req.method === "HEAD" ? undefined : body);
    }
    const prefix = `/${repo}/resolve/`;
    if (!url.pathname.startsWith(prefix)) return void res.writeHead(404).end();
    const [revision, ...rest] = url.pathname.slice(prefix.length).split("/");
    const name = rest.join("/");
    const file = table.get(name);
    if (hub.plain) {
      if (req.method === "HEAD") return void res.writeHead(405).end();
      if (!file || revision !== "main") return void res.writeHead(404).end();
      return void res.writeHead(200, { "content-length": file.body.length }).end(file.body);
    }
    if ((revision !== "main" && revision !== commit) || !file) {
      return void res.writeHead(404, { "x-error-code": revision !== "main" && revision !== commit ? "RevisionNotFound" : "EntryNotFound" }).end();
    }
    if (file.lfs) {
      res
        .writeHead(302, {
          location: `/cdn/${encodeURIComponent(name)}`,
          "x-repo-commit": commit,
          "x-linked-etag": `"${file.declaredSha256 ?? sha256(file.body)}"`,
          "x-linked-size": String(file.body.length),
          etag: `"${createHash("sha1").update(file.body).digest("hex")}"`,
        })
        .end();
      return;
    }
    if (file.viaResolveCache) {
      return void res.writeHead(307, { location: `/api/resolve-cache/models/${repo}/${commit}/${encodeURIComponent(name)}`, "x-repo-commit": commit }).end();
    }
    res.writeHead(200, {
      "content-length": file.body.length,
      "x-repo-commit": commit,
      etag: `"${createHash("sha1").update(file.body).digest("hex")}"`,
    });
    res.end(req.method === "HEAD" ? undefined : file.body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const hub: HubServer = {
    url: `http://127.0.0.1:${port}`,
    repo,
    commit,
    files: table,
    plain: false,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  return hub;
}
