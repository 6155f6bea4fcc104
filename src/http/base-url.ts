/** The base URL clients reach this server at: the configured public URL, else the request's Host. */
import type { IncomingMessage } from "node:http";

/** Host header values taken as they are: a host name or address, with an optional port. */
const HOST = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]{1,253})(:\d{1,5})?$/i;

/** `publicUrl` when configured; else http(s)://Host of the request (https behind TLS), else the server's own address. */
export function baseUrlOf(req: IncomingMessage, publicUrl: string | undefined): string {
  if (publicUrl) return publicUrl;
  const host = req.headers.host ?? "";
  const scheme = (req.socket as { encrypted?: boolean }).encrypted ? "https" : "http";
  if (HOST.test(host)) return `${scheme}://${host}`;
  const address = req.socket.localAddress ?? "127.0.0.1";
  return `${scheme}://${address.includes(":") ? `[${address}]` : address}:${req.socket.localPort}`;
}
