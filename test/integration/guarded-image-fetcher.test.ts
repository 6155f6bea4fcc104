/** Image URLs: public only unless allow-listed, redirects re-checked, timeout and size cap enforced. */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GuardedImageFetcher, isPublicAddress } from "../../src/adapters/http/guarded-image-fetcher.ts";
import { DomainError } from "../../src/domain/errors.ts";

const limits = { maxBytes: 1000, maxPixels: 1e6, fetchTimeoutMs: 800, fetchAllowList: [] as string[] };

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "OK";
  } catch (e) {
    expect(e).toBeInstanceOf(DomainError);
    expect((e as DomainError).field).toBe("image.url");
    return (e as DomainError).code;
  }
}

describe(GuardedImageFetcher.name, () => {
  let server: http.Server;
  let port: number;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      if (req.url === "/img") return res.end(Buffer.alloc(500, 1));
      if (req.url === "/big") return res.end(Buffer.alloc(5000, 1));
      if (req.url === "/redirect-to-ip") return res.writeHead(302, { location: `http://127.0.0.1:${port}/img` }).end();
      if (req.url?.startsWith("/redirect-to?")) return res.writeHead(302, { location: decodeURIComponent(req.url.slice("/redirect-to?".length)) }).end();
      if (req.url === "/redirect-local") return res.writeHead(302, { location: `/img` }).end();
      if (req.url === "/slow") return; // never answers
      res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });

  it("should refuse loopback, private, link-local and metadata addresses by default", async () => {
    const f = new GuardedImageFetcher(limits);
    expect(await codeOf(f.fetch(`http://127.0.0.1:${port}/img`, "image.url"))).toBe("BAD_USER_INPUT");
    expect(await codeOf(f.fetch(`http://localhost:${port}/img`, "image.url"))).toBe("BAD_USER_INPUT");
    expect(await codeOf(f.fetch(`http://169.254.169.254/latest/meta-data/`, "image.url"))).toBe("BAD_USER_INPUT");
    expect(await codeOf(f.fetch(`http://[::1]:${port}/img`, "image.url"))).toBe("BAD_USER_INPUT");
    expect(await codeOf(f.fetch(`http://10.1.2.3/x.jpg`, "image.url"))).toBe("BAD_USER_INPUT");
    expect(await codeOf(f.fetch(`file:///etc/passwd`, "image.url"))).toBe("BAD_USER_INPUT");
    for (const a of ["127.0.0.1", "10.0.0.1", "172.16.0.1", "192.168.1.1", "169.254.169.254", "::1", "fc00::1", "fe80::1", "::ffff:127.0.0.1", "100.64.0.1", "0.0.0.0"]) {
      expect(isPublicAddress(a), a).toBe(false);
    }
    expect(isPublicAddress("93.184.216.34")).toBe(true);
    await f.close();
  });

  it("should fetch from an allow-listed address and follow a redirect that stays allowed", async () => {
    const f = new GuardedImageFetcher({ ...limits, fetchAllowList: ["127.0.0.0/8"] });
    expect((await f.fetch(`http://127.0.0.1:${port}/img`, "image.url")).length).toBe(500);
    expect((await f.fetch(`http://127.0.0.1:${port}/redirect-local`, "image.url")).length).toBe(500);
    await f.close();
  });

  it("should re-check each redirect hop", async () => {
    const f = new GuardedImageFetcher({ ...limits, fetchAllowList: ["localhost"] });
    expect((await f.fetch(`http://localhost:${port}/img`, "image.url")).length).toBe(500);
    expect(await codeOf(f.fetch(`http://localhost:${port}/redirect-to-ip`, "image.url"))).toBe("BAD_USER_INPUT");
    await f.close();
  });

  it("should hold an allow-listed address to its port, also across redirects", async () => {
    const other = http.createServer((_req, res) => res.end(Buffer.alloc(300, 2)));
    await new Promise<void>((r) => other.listen(0, "127.0.0.1", r));
    const otherPort = (other.address() as AddressInfo).port;
    const f = new GuardedImageFetcher({ ...limits, fetchAllowList: [`127.0.0.1:${port}`, `localhost:${port}`] });
    expect((await f.fetch(`http://127.0.0.1:${port}/img`, "image.url")).length).toBe(500);
    expect((await f.fetch(`http://localhost:${port}/img`, "image.url")).length).toBe(500);
    // the same hosts on another port: refused, directly and as a redirect's target
    expect(await codeOf(f.fetch(`http://127.0.0.1:${otherPort}/img`, "image.url"))).toBe("BAD_USER_INPUT");
    expect(await codeOf(f.fetch(`http://localhost:${otherPort}/img`, "image.url"))).toBe("BAD_USER_INPUT");
    const hop = `http://127.0.0.1:${port}/redirect-to?${encodeURIComponent(`http://127.0.0.1:${otherPort}/img`)}`;
    expect(await codeOf(f.fetch(hop, "image.url"))).toBe("BAD_USER_INPUT");
    await f.close();
    // without a port the entry allows every port of the host, as before
    const any = new GuardedImageFetcher({ ...limits, fetchAllowList: ["127.0.0.1"] });
    expect((await any.fetch(hop, "image.url")).length).toBe(300);
    await any.close();
    other.closeAllConnections();
    other.close();
  });

  it("should stop at the size cap and at the timeout", async () => {
    const f = new GuardedImageFetcher({ ...limits, fetchAllowList: ["127.0.0.1"] });
    expect(await codeOf(f.fetch(`http://127.0.0.1:${port}/big`, "image.url"))).toBe("PAYLOAD_TOO_LARGE");
    const t0 = Date.now();
    expect(await codeOf(f.fetch(`http://127.0.0.1:${port}/slow`, "image.url"))).toBe("BAD_USER_INPUT");
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(await codeOf(f.fetch(`http://127.0.0.1:${port}/missing`, "image.url"))).toBe("BAD_USER_INPUT");
    await f.close();
  });
});
