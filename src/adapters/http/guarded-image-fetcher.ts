/**
 * Fetches image URLs for `searchByImage` and image ingest without letting a client reach the
 * server's own network: only http(s); every address a host name resolves to is checked (no private,
 * loopback, link-local, metadata or otherwise non-public ranges unless allow-listed), at connect time
 * so DNS rebinding cannot swap it; redirects are followed by hand and each hop is checked again; a
 * timeout and a byte cap bound the work.
 */
import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import ipaddr from "ipaddr.js";
import { Agent, request } from "undici";
import type { ImageLimitsConfig } from "../../config/config.ts";
import { InvalidInputError, PayloadTooLargeError, UnavailableError } from "../../domain/errors.ts";
import { ImageFetchError, isTransientStatus, type ImageSource } from "../../ports/image-source.port.ts";

const MAX_REDIRECTS = 3;
/** Connection pools kept (one per port fetched from). */
const MAX_AGENTS = 16;

/** An allowed address range, and the one port it is allowed on (null: any port). */
type Range = { readonly net: ipaddr.IPv4 | ipaddr.IPv6; readonly bits: number; readonly port: number | null };

/** Allowed host names, each with the ports it is allowed on (null: any port). */
type Hosts = Map<string, Set<number | null>>;

/**
 * Allow-list entries: CIDR ranges ("10.0.0.0/8"), single addresses ("127.0.0.1", "[::1]"), or host
 * names, each optionally with the one port it may be reached on ("127.0.0.1:8080", "images.lan:443",
 * "[::1]:8080"): with a port, a URL (or a redirect) to another port of that host is refused.
 */
export function parseAllowList(entries: readonly string[]): { ranges: Range[]; hosts: Hosts } {
  const ranges: Range[] = [];
  const hosts: Hosts = new Map();
  for (const entry of entries) {
    const bracketed = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(entry);
    const hostPort = /^([^:]+):(\d{1,5})$/.exec(entry);
    // a bare IPv6 address or range ("fc00::/7") holds colons and has no port
    const [host, rawPort] = bracketed ? [bracketed[1], bracketed[2]] : hostPort ? [hostPort[1], hostPort[2]] : [entry, undefined];
    const port = rawPort === undefined ? null : Number(rawPort);
    if (port !== null && (port < 1 || port > 65535)) throw new Error(`Allow-list entry "${entry}" has a port outside 1-65535.`);
    if (host.includes("/")) {
      const [net, bits] = ipaddr.parseCIDR(host);
      ranges.push({ net, bits, port });
    } else if (ipaddr.isValid(host)) {
      const net = ipaddr.parse(host);
      ranges.push({ net, bits: net.kind() === "ipv4" ? 32 : 128, port });
    } else {
      const name = host.toLowerCase();
      hosts.set(name, (hosts.get(name) ?? new Set()).add(port));
    }
  }
  return { ranges, hosts };
}

/** The port a URL connects to. */
function portOf(url: URL): number {
  return url.port ? Number(url.port) : url.protocol === "https:" ? 443 : 80;
}

/** True when an address is on the public internet (ipaddr.js range "unicast"). */
export function isPublicAddress(address: string): boolean {
  let a = ipaddr.parse(address);
  if (a.kind() === "ipv6" && (a as ipaddr.IPv6).isIPv4MappedAddress()) a = (a as ipaddr.IPv6).toIPv4Address();
  return a.range() === "unicast";
}

export class GuardedImageFetcher implements ImageSource {
  private readonly allow: { ranges: Range[]; hosts: Hosts };
  /** One connection pool per port: the address check at connect time knows the port it allows. */
  private readonly agents = new Map<number, Agent>();

  constructor(private readonly limits: ImageLimitsConfig) {
    this.allow = parseAllowList(limits.fetchAllowList);
  }

  /** The pool for a port (the least recently created one closed beyond MAX_AGENTS). */
  private agentFor(port: number): Agent {
    const known = this.agents.get(port);
    if (known) return known;
    if (this.agents.size >= MAX_AGENTS) {
      const [oldPort, oldest] = this.agents.entries().next().value as [number, Agent];
      this.agents.delete(oldPort);
      void oldest.close();
    }
    const agent = new Agent({
      connect: {
        timeout: this.limits.fetchTimeoutMs,
        // checked where the socket is opened, so the address used is the address checked
        lookup: (hostname, options, callback) => {
          dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
            if (err) return callback(err, "", 4);
            const list = addresses as unknown as LookupAddress[];
            const blocked = list.find((a) => !this.addressAllowed(hostname, a.address, port));
            if (blocked) return callback(Object.assign(new Error("blocked address"), { code: "EBLOCKED" }), "", 4);
            if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list);
            return callback(null, list[0].address, list[0].family);
          });
        },
      },
    });
    this.agents.set(port, agent);
    return agent;
  }

  private addressAllowed(hostname: string, address: string, port: number): boolean {
    const ports = this.allow.hosts.get(hostname.toLowerCase());
    if (ports && (ports.has(null) || ports.has(port))) return true;
    let a = ipaddr.parse(address);
    if (a.kind() === "ipv6" && (a as ipaddr.IPv6).isIPv4MappedAddress()) a = (a as ipaddr.IPv6).toIPv4Address();
    if (this.allow.ranges.some((r) => r.net.kind() === a.kind() && a.match(r.net, r.bits) && (r.port === null || r.port === port))) return true;
    return isPublicAddress(address);
  }

  async fetch(rawUrl: string, field: string): Promise<Uint8Array> {
    let url = this.target(rawUrl, field);
    const deadline = AbortSignal.timeout(this.limits.fetchTimeoutMs);
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      const port = portOf(url);
      let res;
      try {
        res = await request(url, { dispatcher: this.agentFor(port), method: "GET", signal: deadline, headers: { accept: "image/*" }, maxRedirections: 0 } as never);
      } catch (e) {
        throw this.failure(e, rawUrl, field);
      }
      if (res.statusCode >= 300 && res.statusCode < 400 && res.headers.location) {
        await res.body.dump();
        url = this.target(new URL(String(res.headers.location), url).toString(), field);
        continue;
      }
      if (res.statusCode !== 200) {
        await res.body.dump();
        const retryAfter = res.headers["retry-after"];
        throw new ImageFetchError(
          field,
          `The image URL answered HTTP ${res.statusCode}; give a URL that returns the image itself.`,
          res.statusCode,
          typeof retryAfter === "string" ? retryAfter : null,
          isTransientStatus(res.statusCode),
        );
      }
      const declared = Number(res.headers["content-length"] ?? 0);
      if (declared > this.limits.maxBytes) {
        await res.body.dump();
        throw this.tooLarge(declared, field);
      }
      const chunks: Buffer[] = [];
      let size = 0;
      try {
        for await (const chunk of res.body) {
          size += chunk.length;
          if (size > this.limits.maxBytes) {
            res.body.destroy();
            throw this.tooLarge(size, field);
          }
          chunks.push(chunk as Buffer);
        }
      } catch (e) {
        if (e instanceof PayloadTooLargeError) throw e;
        throw this.failure(e, rawUrl, field);
      }
      return new Uint8Array(Buffer.concat(chunks));
    }
    throw new InvalidInputError(field, `The image URL redirected more than ${MAX_REDIRECTS} times.`);
  }

  async close(): Promise<void> {
    const agents = [...this.agents.values()];
    this.agents.clear();
    await Promise.all(agents.map((a) => a.close()));
  }

  check(url: string, field: string): void {
    this.target(url, field);
  }

  /**
   * The URL to connect to, or an error when it can never be fetched. A literal IP host never goes
   * through lookup, and names under `.localhost` are loopback whatever DNS says (RFC 6761): both are
   * checked here; other names are checked at connect time.
   */
  private target(raw: string, field: string): URL {
    const url = this.checkUrl(raw, field);
    const host = url.hostname.replace(/^\[|\]$/g, "").replace(/\.$/, "").toLowerCase();
    const port = portOf(url);
    if (ipaddr.isValid(host) && !this.addressAllowed(host, host, port)) throw this.blocked(field);
    if ((host === "localhost" || host.endsWith(".localhost")) && !this.addressAllowed(host, "127.0.0.1", port)) throw this.blocked(field);
    return url;
  }

  private checkUrl(raw: string, field: string): URL {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new InvalidInputError(field, `"${raw.slice(0, 200)}" is not a URL.`);
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") throw new InvalidInputError(field, `Only http and https image URLs are fetched; got ${url.protocol}`);
    if (url.username || url.password) throw new InvalidInputError(field, "Image URLs with credentials are not fetched.");
    return url;
  }

  private blocked(field: string): InvalidInputError {
    return new InvalidInputError(field, "The image URL points to a private, loopback or otherwise internal address, which is not fetched. Use a public URL or send the image as base64.");
  }

  private tooLarge(bytes: number, field: string): PayloadTooLargeError {
    return new PayloadTooLargeError(`The image is over ${(this.limits.maxBytes / 1024 / 1024).toFixed(1)} MB, the limit (${(bytes / 1024 / 1024).toFixed(1)} MB read).`, field);
  }

  private failure(e: unknown, url: string, field: string): Error {
    const code = (e as { code?: string; cause?: { code?: string } })?.code ?? (e as { cause?: { code?: string } })?.cause?.code;
    if (code === "EBLOCKED") return this.blocked(field);
    if ((e as Error)?.name === "TimeoutError" || (e as Error)?.name === "AbortError" || code === "UND_ERR_CONNECT_TIMEOUT") {
      return new ImageFetchError(field, `The image URL did not answer within ${this.limits.fetchTimeoutMs / 1000} s.`, null, null, true);
    }
    if (code === "ENOTFOUND" || code === "EAI_AGAIN") return new InvalidInputError(field, `The image URL's host could not be found: ${new URL(url).hostname}.`);
    return new UnavailableError(`The image URL could not be fetched (${code ?? "connection failed"}); try again or send the image as base64.`, field);
  }
}
