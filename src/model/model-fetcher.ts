/**
 * `vitrine model fetch`: downloads a model file with a progress bar, resumes an interrupted download
 * from its `.part` file with an HTTP Range request, checks the SHA-256 and moves the file into place
 * with one rename, so a reader never sees half a model.
 *
 * - A server that ignores Range (answers 200 to a ranged request) is handled by starting over.
 * - A cut connection keeps the `.part` file; running the same command again resumes it.
 * - A checksum mismatch deletes the `.part` file (resuming a corrupt file cannot fix it) and names both hashes.
 */
import { createHash } from "node:crypto";
import { createWriteStream, type WriteStream } from "node:fs";
import { mkdir, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import cliProgress from "cli-progress";
import { request } from "undici";
import { hashFile } from "./file-hash.ts";

/** Options of fetchModel. */
export interface FetchModelOptions {
  readonly url: string;
  /** Final path of the model; the download goes to `<out>.part` next to it. */
  readonly out: string;
  /** Expected SHA-256 (hex); when absent the computed one is returned so it can be pinned. */
  readonly sha256?: string;
  /** Where the progress bar goes; false for none. Default process.stderr. */
  readonly progress?: NodeJS.WriteStream | false;
  /** Redirects followed; default 5. */
  readonly maxRedirections?: number;
}

/** What fetchModel did. */
export interface FetchModelResult {
  readonly path: string;
  readonly bytes: number;
  readonly sha256: string;
  /** Bytes already present in the `.part` file and kept (0 when the download started from scratch). */
  readonly resumedFrom: number;
  /** Notes for the user: restarts, unchecked checksum. */
  readonly notes: string[];
}

/** A download that failed; the message says what happened and what to do. */
export class ModelFetchError extends Error {
  constructor(
    message: string,
    /** The `.part` file was kept and a re-run resumes it. */
    readonly resumable = false,
  ) {
    super(message);
    this.name = "ModelFetchError";
  }
}

/** The downloaded bytes do not have the expected SHA-256. */
export class ChecksumMismatchError extends ModelFetchError {
  constructor(
    readonly expected: string,
    readonly actual: string,
    file: string,
    /** What to do, after the hashes. */
    advice = "The download was deleted; check the URL and the --sha256 value.",
  ) {
    super(`Checksum mismatch for ${file}: expected sha256 ${expected}, got ${actual}. ${advice}`);
    this.name = "ChecksumMismatchError";
  }
}

const HEX64 = /^[0-9a-f]{64}$/;

async function sizeOf(file: string): Promise<number> {
  try {
    return (await stat(file)).size;
  } catch {
    return 0;
  }
}

function writeChunk(stream: WriteStream, chunk: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.write(chunk, (e) => (e ? reject(e) : resolve()));
  });
}

function closeStream(stream: WriteStream): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.end((e?: Error | null) => (e ? reject(e) : resolve()));
  });
}

/** Parses `Content-Range: bytes START-END/TOTAL` (TOTAL may be `*`). */
function parseContentRange(value: string | undefined): { start: number; total: number | undefined } | undefined {
  const m = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(value?.trim() ?? "");
  if (!m) return undefined;
  return { start: Number(m[1]), total: m[3] === "*" ? undefined : Number(m[3]) };
}

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function mb(n: number): string {
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/**
 * Downloads `url` to `out` (see the module comment). Throws ModelFetchError (HTTP status, cut
 * connection with `resumable` set) or ChecksumMismatchError; on success nothing but `out` remains.
 */
export async function fetchModel(options: FetchModelOptions): Promise<FetchModelResult> {
  const expected = options.sha256?.trim().toLowerCase();
  if (expected !== undefined && !HEX64.test(expected)) throw new ModelFetchError(`--sha256 must be 64 hexadecimal digits; got "${options.sha256}".`);
  const out = path.resolve(options.out);
  const part = `${out}.part`;
  await mkdir(path.dirname(out), { recursive: true });
  const notes: string[] = [];

  let offset = await sizeOf(part);
  let response;
  for (let attempt = 0; ; attempt++) {
    try {
      response = await request(options.url, {
        method: "GET",
        headers: offset > 0 ? { range: `bytes=${offset}-` } : {},
        maxRedirections: options.maxRedirections ?? 5,
      });
    } catch (e) {
      throw new ModelFetchError(`Cannot reach ${options.url}: ${e instanceof Error ? e.message : String(e)}.`, offset > 0);
    }
    if (response.statusCode === 416 && offset > 0 && attempt === 0) {
      // The .part file is already as long as (or longer than) the file: check it as it is, or start over.
      await response.body.dump();
      const total = parseContentRange(header(response.headers, "content-range")?.replace("bytes */", "bytes 0-0/"))?.total;
      if (total === offset) {
        response = undefined;
        break;
      }
      notes.push(`the partial download (${mb(offset)}) was longer than the file; started over`);
      await rm(part, { force: true });
      offset = 0;
      continue;
    }
    break;
  }

  const hash = createHash("sha256");
  let total: number | undefined = offset;
  let resumedFrom = offset;
  if (response) {
    const status = response.statusCode;
    if (status !== 200 && status !== 206) {
      await response.body.dump().catch(() => undefined);
      throw new ModelFetchError(
        `Download failed: HTTP ${status} from ${options.url}.${offset > 0 ? ` The partial download (${mb(offset)}) is kept in ${part}.` : ""}`,
        offset > 0,
      );
    }
    let append = false;
    if (status === 206) {
      const range = parseContentRange(header(response.headers, "content-range"));
      if (!range || range.start !== offset) {
        await response.body.dump().catch(() => undefined);
        throw new ModelFetchError(`The server answered the resume request with an unexpected range (${header(response.headers, "content-range") ?? "none"}); delete ${part} and try again.`);
      }
      append = true;
      total = range.total;
    } else {
      if (offset > 0) notes.push(`the server ignored the Range request; downloaded from the start (discarded ${mb(offset)})`);
      const length = header(response.headers, "content-length");
      total = length !== undefined ? Number(length) : undefined;
      offset = 0;
      resumedFrom = 0;
    }
    if (append) await hashFile(part, hash);

    const bar =
      options.progress === false
        ? undefined
        : new cliProgress.SingleBar(
            {
              stream: options.progress ?? process.stderr,
              noTTYOutput: !(options.progress ?? process.stderr).isTTY,
              notTTYSchedule: 2000,
              format: total ? "model {bar} {percentage}% | {value_mb}/{total_mb} | {speed}" : "model {value_mb} | {speed}",
              hideCursor: true,
            },
            cliProgress.Presets.shades_classic,
          );
    const started = Date.now();
    const payload = (value: number): Record<string, string> => {
      const secs = Math.max(0.001, (Date.now() - started) / 1000);
      return { value_mb: mb(value), total_mb: total ? mb(total) : "?", speed: `${mb((value - resumedFrom) / secs)}/s` };
    };
    bar?.start(total ?? 0, offset, payload(offset));

    const file = createWriteStream(part, { flags: append ? "a" : "w" });
    let received = offset;
    try {
      for await (const chunk of response.body) {
        const bytes = chunk as Uint8Array;
        hash.update(bytes);
        await writeChunk(file, bytes);
        received += bytes.length;
        bar?.update(received, payload(received));
      }
    } catch (e) {
      await closeStream(file).catch(() => undefined);
      bar?.stop();
      throw new ModelFetchError(
        `The connection was cut after ${mb(received)}${total ? ` of ${mb(total)}` : ""} (${e instanceof Error ? e.message : String(e)}). ` +
          `The partial download is kept in ${part}; run the same command again to resume it.`,
        true,
      );
    }
    await closeStream(file);
    bar?.stop();
    if (total !== undefined && received !== total) {
      throw new ModelFetchError(
        `The download ended after ${mb(received)} of ${mb(total)}. The partial download is kept in ${part}; run the same command again to resume it.`,
        received < total,
      );
    }
  } else {
    await hashFile(part, hash);
  }

  const actual = hash.digest("hex");
  const bytes = await sizeOf(part);
  if (expected !== undefined && actual !== expected) {
    await rm(part, { force: true });
    throw new ChecksumMismatchError(expected, actual, options.url);
  }
  if (expected === undefined) notes.push(`no --sha256 given; the file's sha256 is ${actual} (pass it next time to check the download)`);
  await rename(part, out);
  return { path: out, bytes, sha256: actual, resumedFrom, notes };
}
