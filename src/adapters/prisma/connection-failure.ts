/**
 * Recognises a failure of the connection to the catalogue database, as opposed to a failure of the
 * statement: the server unreachable or refusing connections, a connection closed or terminated under a
 * query (`pg_terminate_backend`, a restart, a failover), the pool's wait for a free connection timing
 * out. Such a failure says nothing about the request, and the same request may succeed a moment later,
 * so the API reports it as SERVICE_UNAVAILABLE. Prisma reports it in several shapes, all handled here:
 * a known error with a connection code (P1001 …, P2024), a DriverAdapterError whose cause names the
 * kind (`ConnectionClosed` …) or PostgreSQL's SQLSTATE (class 08, 57P01 …), or pg's own Error passed
 * through unchanged ("Connection terminated unexpectedly").
 */

/** Prisma's codes for an unreachable server, a closed connection, a timeout, or too many connections. */
const PRISMA_CODES = new Set(["P1001", "P1002", "P1008", "P1017", "P2024", "P2037"]);
/** Driver adapter error kinds with the same meanings. */
const ADAPTER_KINDS = new Set(["DatabaseNotReachable", "ConnectionClosed", "SocketTimeout", "TooManyConnections"]);
/** Socket errors of the connection itself. */
const SOCKET_CODES = new Set(["ECONNRESET", "ECONNREFUSED", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"]);
/** SQLSTATEs of a lost connection: class 08, the server shutting down or terminating it (57P0x), too many connections. */
const SQLSTATE = /^(08\w{3}|57P0[1-4]|53300)$/;
/** What pg and PostgreSQL say when a connection goes away, when nothing else in the error says so. */
const MESSAGES = [
  /terminating connection due to administrator command/i,
  /Connection terminated/i,
  /connection error and is not queryable/i,
  /timeout exceeded when trying to connect/i,
  /Can't reach database server/i,
  /the database system is (shutting down|starting up|in recovery mode)/i,
  /server closed the connection unexpectedly/i,
];

/** Whether `error` (or an error it wraps) is a lost or unobtainable connection to the database. */
export function isConnectionFailure(error: unknown, depth = 0): boolean {
  if (typeof error !== "object" || error === null || depth > 4) return false;
  const e = error as { code?: unknown; kind?: unknown; originalCode?: unknown; message?: unknown; cause?: unknown; meta?: { driverAdapterError?: unknown } };
  if (typeof e.code === "string" && (PRISMA_CODES.has(e.code) || SOCKET_CODES.has(e.code) || SQLSTATE.test(e.code))) return true;
  if (typeof e.kind === "string" && ADAPTER_KINDS.has(e.kind)) return true;
  if (typeof e.originalCode === "string" && SQLSTATE.test(e.originalCode)) return true;
  if (typeof e.message === "string" && MESSAGES.some((m) => m.test(e.message as string))) return true;
  return isConnectionFailure(e.cause, depth + 1) || isConnectionFailure(e.meta?.driverAdapterError, depth + 1);
}
