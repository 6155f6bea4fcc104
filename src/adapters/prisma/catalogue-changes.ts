/**
 * Change notices between API processes sharing one PostgreSQL catalogue. Each write of the Prisma
 * store sends a NOTIFY in its own transaction (so it is delivered only if the write commits) naming
 * the works it changed, or "*" for writes that may touch any work (imports, artist changes). Every
 * process LISTENs on a dedicated connection and makes its row cache forget those works; after a
 * dropped connection it reconnects and forgets everything, as notices sent meanwhile were missed.
 * The embedded store belongs to one process and needs none of this.
 */
import pg from "pg";
import type { Logger } from "pino";
import type { Prisma } from "../../generated/prisma/client.ts";

/** The channel catalogue writes are announced on. */
export const CATALOGUE_CHANNEL = "vitrine_catalogue";

/** What a notice says changed: these work ids, or anything ("all"). */
export type CatalogueChange = readonly string[] | "all";

// PostgreSQL refuses payloads of 8000 bytes or more; a longer list is sent as "everything"
const MAX_PAYLOAD = 7900;

/** The payload of a notice: work ids separated by commas, or "*". */
export function formatChange(change: CatalogueChange): string {
  if (change === "all") return "*";
  const payload = change.join(",");
  return payload.length > MAX_PAYLOAD ? "*" : payload;
}

/** Reads a payload back; anything but a list of ids means "all" (the safe reading). */
export function parseChange(payload: string): CatalogueChange {
  if (payload === "" || payload === "*") return "all";
  const ids = payload.split(",");
  return ids.every((id) => /^[0-9A-Za-z_-]+$/.test(id)) ? ids : "all";
}

/** Sends the notice inside `tx`: PostgreSQL delivers it when (and only if) the transaction commits. */
export async function announceChange(tx: Prisma.TransactionClient, change: CatalogueChange): Promise<void> {
  if (change !== "all" && change.length === 0) return;
  await tx.$executeRaw`SELECT pg_notify(${CATALOGUE_CHANNEL}, ${formatChange(change)})`;
}

export interface ChangeListenerOptions {
  /** First wait before reconnecting, in ms; doubles per failed attempt. */
  readonly minRetryMs?: number;
  /** Longest wait between reconnect attempts, in ms. */
  readonly maxRetryMs?: number;
}

/**
 * A dedicated connection LISTENing on CATALOGUE_CHANNEL, passing each notice to `onChange`. When
 * the connection drops it reconnects (100 ms, doubling to 5 s by default) and, once listening
 * again, calls `onChange("all")`.
 */
export class CatalogueChangeListener {
  private client: pg.Client | null = null;
  private retry: NodeJS.Timeout | null = null;
  private delayMs: number;
  private closed = false;
  private readonly minRetryMs: number;
  private readonly maxRetryMs: number;
  /** The server process id of the listening connection (null while disconnected). */
  pid: number | null = null;

  constructor(
    private readonly url: string,
    private readonly onChange: (change: CatalogueChange) => void,
    private readonly log: Logger,
    options: ChangeListenerOptions = {},
  ) {
    this.minRetryMs = options.minRetryMs ?? 100;
    this.maxRetryMs = options.maxRetryMs ?? 5000;
    this.delayMs = this.minRetryMs;
  }

  /** Connects and listens; a failure is logged and retried in the background. */
  async start(): Promise<void> {
    await this.connect(false);
  }

  private async connect(reconnecting: boolean): Promise<void> {
    this.retry = null;
    if (this.closed) return;
    const client = new pg.Client({ connectionString: this.url });
    let lost = false;
    const drop = (err?: unknown) => {
      if (lost) return;
      lost = true;
      if (this.client === client) {
        this.client = null;
        this.pid = null;
      }
      client.end().catch(() => {});
      if (this.closed) return;
      this.log.warn({ err, retryMs: this.delayMs }, "catalogue change notices: connection lost, reconnecting");
      this.retry = setTimeout(() => void this.connect(true), this.delayMs);
      this.delayMs = Math.min(this.delayMs * 2, this.maxRetryMs);
    };
    client.on("error", drop);
    client.on("end", () => drop());
    client.on("notification", (m) => {
      if (m.channel === CATALOGUE_CHANNEL) this.onChange(parseChange(m.payload ?? ""));
    });
    try {
      await client.connect();
      const { rows } = await client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
      await client.query(`LISTEN ${CATALOGUE_CHANNEL}`);
      if (lost) return;
      if (this.closed) {
        lost = true;
        await client.end().catch(() => {});
        return;
      }
      this.client = client;
      this.pid = rows[0].pid;
      this.delayMs = this.minRetryMs;
      // notices sent while no connection listened are lost: forget everything
      if (reconnecting) {
        this.onChange("all");
        this.log.info("catalogue change notices: listening again, row cache cleared");
      }
    } catch (e) {
      drop(e);
    }
  }

  /** Stops listening and reconnecting. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
    const client = this.client;
    this.client = null;
    this.pid = null;
    await client?.end().catch(() => {});
  }
}
