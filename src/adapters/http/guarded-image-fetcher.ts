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

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** Allow-list entries: CIDR ranges ("10.0.0.0/8"), single addresses, or host names. */
function parseAllowList(entries: readonly string[]): { ranges: Range[]; hosts: Set<string> } {
  const ranges: Range[] = [];
  const hosts = new Set<string>();
  for (const e of entries) {
    if (e.includes("/")) ranges.push(ipaddr.parseCIDR(e));
    else if (ipaddr.isValid(e)) {
      const a = ipaddr.parse(e);
      ranges.push([a, a.kind() === "ipv4" ? 32 : 128]);
    } else hosts.add(e.toLowerCase());
  }
  return { ranges, hosts };
}

/** True when an address is on the public internet (ipaddr.js range "unicast"). */
export function isPublicAddress(address: string): boolean {
  let a = ipaddr.parse(address);
  if (a.kind() === "ipv6" && (a as ipaddr.IPv6).isIPv4MappedAddress()) a = (a as ipaddr.IPv6).toIPv4Address();
  return a.range() === "unicast";
}

export class GuardedImageFetcher implements ImageSource {
  private readonly allow: { ranges: Range[]; hosts: Set<string> };
  private readonly agent: Agent;

  constructor(private readonly limits: ImageLimitsConfig) {
    this.allow = parseAllowList(limits.fetchAllowList);
    this.agent = new Agent({
      connect: {
        timeout: limits.fetchTimeoutMs,
        // checked where the socket is opened, so the address used is the address checked
        lookup: (hostname, options, callback) => {
          dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
            if (err) return callback(err, "", 4);
            const list = addresses as unknown as LookupAddress[];
            const blocked = list.find((a) => !this.addressAllowed(hostname, a.address));
            if (blocked) return callback(Object.assign(new Error("blocked address"), { code: "EBLOCKED" }), "", 4);
            if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list);
            return callback(null, list[0].address, list[0].family);
          });
        },
      },
    });
  }

  private addressAllowed(hostname: string, address: string): boolean {
    if (this.allow.hosts.has(hostname.toLowerCase())) return true;
    let a = ipaddr.parse(address);
    if (a.kind() === "ipv6" && (a as ipaddr.IPv6).isIPv4MappedAddress()) a = (a as ipaddr.IPv6).toIPv4Address();
    if (this.allow.ranges.some(([net, bits]) => net.kind() === a.kind() && a.match(net, bits))) return true;
    return isPublicAddress(address);
  }

  async fetch(rawUrl: string, field: string): Promise<Uint8Array> {
    let url = this.checkUrl(rawUrl, field);
    const deadline = AbortSignal.timeout(this.limits.fetchTimeoutMs);
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      // a literal IP host never goes through lookup: check it here
      const host = url.hostname.replace(/^\[|\]$/g, "");
      if (ipaddr.isValid(host) && !this.addressAllowed(host, host)) throw this.blocked(field);
      let res;
      try {
        res = await request(url, { dispatcher: this.agent, method: "GET", signal: deadline, headers: { accept: "image/*" }, maxRedirections: 0 } as never);
      } catch (e) {
        throw this.failure(e, rawUrl, field);
      }
      if (res.statusCode >= 300 && res.statusCode < 400 && res.headers.location) {
        await res.body.dump();
        url = this.checkUrl(new URL(String(res.headers.location), url).toString(), field);
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

  close(): Promise<void> {
    return this.agent.close();
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
