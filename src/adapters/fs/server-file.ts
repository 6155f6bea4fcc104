/**
 * Where a server that holds the embedded store listens: `VITRINE_DATA_DIR/server.json` ({ url, pid }),
 * written once it listens and removed when it stops, so that other commands (`vitrine import`) can send
 * their work to it instead of failing on the locked store. A file whose process is gone is ignored.
 */
import { readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { processIsAlive } from "./process-alive.ts";

export interface RunningServer {
  /** Base URL (http://host:port); GraphQL is at `${url}/graphql`. */
  readonly url: string;
  readonly pid: number;
}

const fileIn = (dataDir: string) => path.join(dataDir, "server.json");

/** Records that this process serves `url`; the returned function removes the record (if still ours). */
export async function recordServer(dataDir: string, url: string): Promise<() => Promise<void>> {
  const file = fileIn(dataDir);
  await writeFile(file, `${JSON.stringify({ url, pid: process.pid } satisfies RunningServer)}\n`);
  return async () => {
    if ((await findServer(dataDir))?.pid === process.pid) await rm(file, { force: true });
  };
}

/** The server recorded in `dataDir` while its process runs; null when there is none (or the record is stale or unreadable). */
export async function findServer(dataDir: string): Promise<RunningServer | null> {
  let record: Partial<RunningServer>;
  try {
    record = JSON.parse(await readFile(fileIn(dataDir), "utf8")) as Partial<RunningServer>;
  } catch {
    return null;
  }
  if (typeof record.url !== "string" || typeof record.pid !== "number" || !processIsAlive(record.pid)) return null;
  return { url: record.url, pid: record.pid };
}
