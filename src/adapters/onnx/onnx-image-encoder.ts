/**
 * ImageEncoder on onnxruntime-node: a ViTMAE encoder exported to ONNX (input `pixel_values`
 * [batch, 3, H, W], output `last_hidden_state` [batch, 1 + patches, hidden]; 224, 224 and 197 for
 * vit-mae-base), mean of the patch tokens (CLS excluded), L2-normalised.
 *
 * The installed model's manifest (model-manifest.ts, written by `vitrine model fetch`) says how its
 * images are prepared (size, filter, rescale, mean, std) and how many tokens it returns; a model
 * without one (a user's own export) is read with DEFAULT_PREPROCESSING and 197 tokens.
 *
 * The session lives in a child process (onnx-session.process.js): onnxruntime-node 1.30 runs a model
 * synchronously on the calling thread, which would freeze the API for the ~100 ms per image a
 * ViTMAE-base run takes. With the model elsewhere, the API's thread stays free and prepares the next
 * batch (sharp decodes on libuv threads, the Pillow-exact resize and normalisation on the JS thread)
 * while the model runs the current one. A process rather than a worker thread: a crash in onnxruntime
 * ends only the model's process, and the memory of a model that rests (`idleMs`) or stops goes back
 * to the system (a thread's stayed in the API process's malloc arenas: BENCHMARKS.md, "encoder").
 *
 * Batching: `encode` and `encodeBatch` put images on one queue; a drain loop takes up to `batchSize`
 * images at a time, so concurrent `encode` calls are coalesced into model batches. A bad image
 * rejects only its own call.
 */
import { fork, type ChildProcess } from "node:child_process";
import { access, readFile, rename, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { InferenceSession } from "onnxruntime-node";
import { modelProcessEnv } from "../../config/config.ts";
import { sha256File } from "../../model/file-hash.ts";
import { UnavailableError } from "../../domain/errors.ts";
import { RESAMPLE_FILTERS, type ImagePreprocessing } from "../../model/image-preprocessing.ts";
import { expectedTokens, manifestPathOf, readManifest, type ModelManifest } from "../../model/model-manifest.ts";
import type { ImageEncoder } from "../../ports/image-encoder.port.ts";
import { MODEL_IMAGE_SIZE, SharpImagePreprocessor, type PendingImage } from "../sharp/sharp-image-preprocessor.ts";

const INPUT = "pixel_values";
const OUTPUT = "last_hidden_state";
const PATCH = 16;
/** 1 CLS token + (224 / 16)² patch tokens: the output length of a ViTMAE-base export without masking (and of a model without a manifest). */
export const UNMASKED_SEQUENCE_LENGTH = 1 + (MODEL_IMAGE_SIZE / PATCH) ** 2;

/** The ONNX file is not a usable ViTMAE encoder export; the message says how to get one. */
export class ModelFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ModelFormatError";
  }
}

/** Options of OnnxImageEncoder.open. */
export interface OnnxImageEncoderOptions {
  /** onnxruntime intra-op threads (config.model.threads); 0 = onnxruntime's default. */
  readonly threads?: number;
  /** Images per model run (config.model.batchSize); default 8. */
  readonly batchSize?: number;
  /** Model name stored in the embedding version; default: the file name without ".onnx". */
  readonly modelId?: string;
  /**
   * Image checks and preprocessing; default limits 20 MB and 50 MP. When the model has a manifest,
   * its preprocessing replaces this one's (same limits).
   */
  readonly preprocessor?: SharpImagePreprocessor;
  /**
   * Let onnxruntime's intra-op threads spin between operators (its default). Off leaves those CPU
   * cycles to image decoding; BENCHMARKS.md ("## encoder") measures both. Default true.
   */
  readonly spinning?: boolean;
  /**
   * Release the model (its process and the weights it holds, ~340 MB for ViTMAE-base) after this long
   * without a run; the next image loads it again (from the same file, checked as after a crash). A
   * serving process then holds the model only while images arrive. Default 0: kept for ever.
   */
  readonly idleMs?: number;
  /**
   * A file that remembers this model's last full check (file stamp, checksum, output size). When it
   * describes the file as it is now, `open` skips the checksum and the trial runs and leaves the model
   * resting: the first image loads it. A server with an installed model then starts as fast as one
   * without (BENCHMARKS.md, "startup"). Left out: every open checks the model in full.
   */
  readonly checkRecord?: string;
}

/** What `checkRecord` keeps of a model that passed its full check. */
interface ModelCheck {
  readonly format: 1;
  readonly path: string;
  /** fileStamp of the file checked. */
  readonly stamp: string;
  readonly preprocessing: ImagePreprocessing;
  readonly tokens: number;
  readonly sha256: string;
  readonly dimension: number;
  readonly fixedBatch: number | null;
}

/** The record's check when it is of this file as it is now, checked the way it would be now; else null. */
async function knownCheck(file: string, now: Omit<ModelCheck, "sha256" | "dimension" | "fixedBatch">, manifest: ModelManifest | null): Promise<ModelCheck | null> {
  let check: ModelCheck;
  try {
    check = JSON.parse(await readFile(file, "utf8")) as ModelCheck;
  } catch {
    return null; // none yet, or unreadable: the full check writes a new one
  }
  const same =
    check.format === 1 &&
    check.path === now.path &&
    check.stamp === now.stamp &&
    check.tokens === now.tokens &&
    JSON.stringify(check.preprocessing) === JSON.stringify(now.preprocessing) &&
    typeof check.sha256 === "string" &&
    Number.isInteger(check.dimension) &&
    check.dimension > 0 &&
    (!manifest || manifest.model.sha256 === check.sha256);
  return same ? check : null;
}

/** Writes the record (whole or not at all); a data folder that cannot take it only costs the next start a full check. */
async function rememberCheck(file: string, check: ModelCheck): Promise<void> {
  try {
    await writeFile(`${file}.tmp`, `${JSON.stringify(check, null, 2)}\n`);
    await rename(`${file}.tmp`, file);
  } catch {
    // read-only or missing folder: nothing remembered
  }
}

interface OutputTensor {
  readonly dtype: string;
  readonly dims: readonly number[];
  readonly data: Float32Array;
}

type ModelReply =
  | { type: "ready"; inputNames: string[]; outputNames: string[]; inputMetadata: InferenceSession.ValueMetadata[] }
  | { type: "result"; id: number; dtype: string; dims: number[]; data: Float32Array }
  | { type: "error"; id?: number; message: string };

/** The first restart after the model's process died is at once; while starting fails, 1 s, 2 s, 4 s … apart. */
const RESTART_BASE_DELAY_MS = 1000;
/** At most this long between two restart attempts of a model process that keeps failing. */
const RESTART_MAX_DELAY_MS = 30_000;

/** What identifies the model file between two starts of its process (a different file would embed differently). */
async function fileStamp(file: string): Promise<string> {
  const s = await stat(file);
  return `${s.dev}:${s.ino}:${s.size}:${s.mtimeMs}`;
}

/** A model process that answered "ready". */
interface ModelProcess {
  readonly child: ChildProcess;
  readonly inputNames: string[];
  readonly outputNames: string[];
  readonly inputMetadata: InferenceSession.ValueMetadata[];
}

const MODEL_PROCESS = fileURLToPath(new URL("./onnx-session.process.js", import.meta.url));

/** How a model process ended, for messages. */
function exitOf(code: number | null, signal: NodeJS.Signals | null): string {
  return signal ? `signal ${signal}` : `code ${code}`;
}

/** Starts onnx-session.process.js on `modelPath`; rejects with onnxruntime's reason when the model does not load. */
function startProcess(modelPath: string, options: InferenceSession.SessionOptions): Promise<ModelProcess> {
  // plain node (no loader flags of the parent), advanced serialization: Float32Arrays cross as they are
  const child = fork(MODEL_PROCESS, [], { execArgv: [], serialization: "advanced", env: modelProcessEnv(), stdio: ["ignore", "inherit", "inherit", "ipc"] });
  child.send({ type: "load", modelPath, options });
  return new Promise((resolve, reject) => {
    const onError = (e: Error): void => reject(e);
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void => reject(new Error(`the model process exited with ${exitOf(code, signal)} while loading`));
    child.once("error", onError);
    child.once("exit", onExit);
    child.once("message", (msg: ModelReply) => {
      child.off("error", onError);
      child.off("exit", onExit);
      if (msg.type === "ready") resolve({ child, inputNames: msg.inputNames, outputNames: msg.outputNames, inputMetadata: msg.inputMetadata });
      else {
        reject(new Error(msg.type === "error" ? msg.message : "unexpected reply"));
        child.kill("SIGKILL");
      }
    });
  });
}

/**
 * One onnxruntime session in its own process; runs are queued there one at a time.
 *
 * When the process dies (a crash in onnxruntime, out of memory, terminated), the runs in flight fail
 * with UnavailableError and the next run starts a new process on the same file: the model comes back
 * by itself. Restarts are rate-bounded: the first after a death is immediate; while they fail (file
 * missing or corrupt) or the new process dies before finishing a run, the next waits 1 s, 2 s, 4 s …
 * up to 30 s, and runs in between fail at once with UnavailableError. A file that changed since the
 * first start (a different model, whose embeddings would not match the stored ones) is not loaded;
 * the same bytes put back (a copy restored after the file was removed or damaged) are the same model.
 *
 * With `idleMs`, the process is closed once no run has come for that long (resting: not down, no
 * strike); the next run starts it again the way a restart does, without the delay.
 */
class ModelSession {
  private readonly pending = new Map<number, { resolve: (t: OutputTensor) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  /** The running process; undefined while the model is down or rests. */
  private running: ModelProcess | undefined;
  /** Why the model is down (set when the process died or a restart failed). */
  private down: UnavailableError | undefined;
  private closed = false;
  private restarting: Promise<void> | undefined;
  /** Deaths and failed restarts since the last successful run: sets the delay before the next restart. */
  private strikes = 0;
  private nextRestartAt = 0;
  private crashArmed = false;
  /** How many times the process was started again after dying. */
  restarts = 0;
  /** How many times the process was started again after resting (closed while idle). */
  wakes = 0;
  /** Closes the running process for idleness; its exit is then not a death. */
  private retire: (() => void) | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  /** Set while the model rests: the next run starts it again at once. */
  private resting = false;
  /** SHA-256 of the file first loaded, when known: a file with a new stamp but these bytes is loaded again. */
  modelSha256: string | undefined;

  private constructor(
    private readonly modelPath: string,
    private readonly options: InferenceSession.SessionOptions,
    private stamp: string,
    first: ModelProcess | undefined,
    private readonly idleMs: number,
  ) {
    if (first) this.attach(first);
    else this.resting = true;
  }

  /** Whether the model's process is running now (false while it rests or is down). */
  get loaded(): boolean {
    return this.running !== undefined;
  }

  get inputNames(): readonly string[] {
    return this.running?.inputNames ?? [];
  }

  get outputNames(): readonly string[] {
    return this.running?.outputNames ?? [];
  }

  get inputMetadata(): readonly InferenceSession.ValueMetadata[] {
    return this.running?.inputMetadata ?? [];
  }

  /** A session on a model that passed its full check before (`checkRecord`): resting until the first run. */
  static resting(modelPath: string, options: InferenceSession.SessionOptions, stamp: string, idleMs: number, sha256: string): ModelSession {
    const session = new ModelSession(modelPath, options, stamp, undefined, idleMs);
    session.modelSha256 = sha256;
    return session;
  }

  /** Starts the model's process on the file whose stamp is `stamp` (read before its checksum). */
  static async create(modelPath: string, options: InferenceSession.SessionOptions, idleMs: number, stamp: string): Promise<ModelSession> {
    let thread: ModelProcess;
    try {
      thread = await startProcess(modelPath, options);
    } catch (e) {
      throw new ModelFormatError(`${path.basename(modelPath)} could not be loaded by onnxruntime: ${e instanceof Error ? e.message : String(e)}`);
    }
    return new ModelSession(modelPath, options, stamp, thread, idleMs);
  }

  /** Runs the model on `data` (a copy goes to the model's process) and returns one output. */
  async run(input: string, output: string, data: Float32Array, dims: readonly number[]): Promise<OutputTensor> {
    if (!this.running) await this.restart();
    const thread = this.running;
    if (!thread) {
      const down = this.down ?? new UnavailableError("The image model is not running.");
      const wait = this.nextRestartAt - Date.now();
      throw this.closed || wait <= 0 ? down : new UnavailableError(`${down.message} Next restart in ${(wait / 1000).toFixed(1)} s.`);
    }
    const id = this.nextId++;
    clearTimeout(this.idleTimer);
    const result = new Promise<OutputTensor>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    void result.then(this.restWhenIdle, this.restWhenIdle);
    if (this.crashArmed) {
      this.crashArmed = false;
      thread.child.kill("SIGKILL"); // dies with this run pending, as a crash would
    }
    thread.child.send({ type: "run", id, input, output, data, dims });
    const out = await result;
    this.strikes = 0;
    return out;
  }

  /** After a run settles: with nothing else waiting, the model rests once `idleMs` pass without a run. */
  private readonly restWhenIdle = (): void => {
    if (this.idleMs <= 0 || this.pending.size > 0 || this.closed) return;
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.rest(), this.idleMs).unref();
  };

  /** Closes the idle model's process (its memory goes with it); the next run starts it again. */
  private rest(): void {
    const thread = this.running;
    if (!thread || this.pending.size > 0 || this.closed || this.restarting) return;
    this.retire?.();
    this.running = undefined;
    this.resting = true;
    thread.child.send({ type: "close" });
  }

  /** Test and drill hook: the process is killed as the next run is sent, so that run (and any in flight) fails. */
  crashOnNextRun(): void {
    this.crashArmed = true;
  }

  async release(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.idleTimer);
    this.down = new UnavailableError("The image encoder is closed.");
    await this.restarting?.catch(() => {});
    const thread = this.running;
    if (!thread) return;
    const exited = new Promise<void>((resolve) => thread.child.once("exit", () => resolve()));
    if (thread.child.connected) thread.child.send({ type: "close" });
    else thread.child.kill("SIGKILL");
    await exited;
  }

  private attach(thread: ModelProcess): void {
    this.running = thread;
    this.down = undefined;
    thread.child.on("message", (msg: ModelReply) => {
      if (msg.type === "ready" || msg.id === undefined) return;
      const call = this.pending.get(msg.id);
      this.pending.delete(msg.id);
      if (msg.type === "result") call?.resolve({ dtype: msg.dtype, dims: msg.dims, data: msg.data });
      else call?.reject(new Error(`onnxruntime: ${msg.message}`));
    });
    let gone = false;
    this.retire = () => {
      gone = true;
    };
    const died = (why: string): void => {
      if (gone) return;
      gone = true;
      if (this.running === thread) this.running = undefined;
      if (this.closed) this.down ??= new UnavailableError("The image encoder is closed.");
      else {
        this.down = new UnavailableError(`The image model stopped (${why}); it is started again on the next image.`);
        this.strikes++;
        this.nextRestartAt = Date.now() + this.restartDelay();
      }
      for (const call of this.pending.values()) call.reject(this.down);
      this.pending.clear();
    };
    thread.child.on("error", (e) => died(e.message));
    thread.child.on("exit", (code, signal) => died(`its process exited with ${exitOf(code, signal)}`));
  }

  private restartDelay(): number {
    return this.strikes <= 1 ? 0 : Math.min(RESTART_MAX_DELAY_MS, RESTART_BASE_DELAY_MS * 2 ** (this.strikes - 2));
  }

  /** Whether the file holds the bytes first loaded (a copy put back has a new stamp, not a new model). */
  private async sameBytes(): Promise<boolean> {
    return this.modelSha256 !== undefined && (await sha256File(this.modelPath).catch(() => null)) === this.modelSha256;
  }

  /** Starts a new process if the model is down and a restart is due; concurrent callers share one attempt. */
  private restart(): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (this.nextRestartAt > Date.now()) return Promise.resolve();
    this.restarting ??= this.startAgain().finally(() => (this.restarting = undefined));
    return this.restarting;
  }

  private async startAgain(): Promise<void> {
    const name = path.basename(this.modelPath);
    try {
      let stamp: string;
      try {
        stamp = await fileStamp(this.modelPath);
      } catch {
        throw new UnavailableError(`The image model stopped and cannot be started again: its file ${name} is missing.`);
      }
      if (stamp !== this.stamp && !(await this.sameBytes())) {
        throw new UnavailableError(`The image model stopped and ${name} changed since vitrine started (its embeddings would not match the stored ones): restart vitrine to load it.`);
      }
      this.stamp = stamp;
      let thread: ModelProcess;
      try {
        thread = await startProcess(this.modelPath, this.options);
      } catch (e) {
        const why = (e instanceof Error ? e.message : String(e)).split(this.modelPath).join(name); // no server paths in client messages
        throw new UnavailableError(`The image model stopped and ${name} could not be loaded again: ${why}`);
      }
      if (this.closed) {
        thread.child.kill("SIGKILL");
        return;
      }
      if (this.resting) this.wakes++;
      else this.restarts++;
      this.resting = false;
      this.attach(thread);
    } catch (e) {
      this.down = e instanceof UnavailableError ? e : new UnavailableError(`The image model could not be started again: ${String(e)}`);
      this.strikes++;
      this.nextRestartAt = Date.now() + this.restartDelay();
    }
  }
}

interface Job {
  readonly bytes: Uint8Array;
  readonly resolve: (v: Float32Array) => void;
  readonly reject: (e: unknown) => void;
}

interface Started {
  readonly job: Job;
  readonly pending: PendingImage;
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Mean of tokens 1..seq-1 of each image in `hidden` ([n, seq, dim], row-major), L2-normalised.
 * A zero mean (never seen in practice) is returned as zeros rather than NaN.
 */
export function meanPoolPatches(hidden: Float32Array, n: number, seq: number, dim: number): Float32Array[] {
  const out: Float32Array[] = [];
  const acc = new Float64Array(dim);
  for (let i = 0; i < n; i++) {
    acc.fill(0);
    for (let t = 1; t < seq; t++) {
      const base = (i * seq + t) * dim;
      for (let d = 0; d < dim; d++) acc[d] += hidden[base + d];
    }
    let norm = 0;
    for (let d = 0; d < dim; d++) norm += acc[d] * acc[d];
    norm = Math.sqrt(norm);
    const v = new Float32Array(dim);
    if (norm > 0) for (let d = 0; d < dim; d++) v[d] = acc[d] / norm;
    out.push(v);
  }
  return out;
}

/** ViTMAE image encoder on one onnxruntime session. Build it with `OnnxImageEncoder.open`. */
export class OnnxImageEncoder implements ImageEncoder {
  private readonly queue: Job[] = [];
  /** The running drain loop, if any. */
  private draining: Promise<void> | undefined;
  private closed = false;

  private constructor(
    private readonly session: ModelSession,
    private readonly preprocessor: SharpImagePreprocessor,
    /** Images per model run. */
    readonly batchSize: number,
    readonly dimension: number,
    readonly modelId: string,
    readonly modelSha256: string,
    /** Set when the model's batch dimension is fixed: shorter batches are padded to it. */
    private readonly fixedBatch: number | undefined,
  ) {}

  /** How this model's images are prepared (its manifest's, or DEFAULT_PREPROCESSING). */
  get preprocessing(): ImagePreprocessing {
    return this.preprocessor.preprocessing;
  }

  /**
   * Loads and validates the model: its manifest when there is one (its model checksum must be the
   * file's; its preprocessing and token count are used), input `pixel_values`, output
   * `last_hidden_state`, and a dummy run whose output must have the expected tokens (197 without a
   * manifest; an export that kept MAE's random masking has 50 and is refused with a ModelFormatError
   * saying to run `vitrine model prepare`). UnavailableError when the file is missing.
   */
  static async open(modelPath: string, options: OnnxImageEncoderOptions = {}): Promise<OnnxImageEncoder> {
    try {
      await access(modelPath);
    } catch {
      throw new UnavailableError(
        `The image model is not installed (${modelPath}). Run \`vitrine model fetch\`, or set VITRINE_MODEL_PATH to a ViTMAE ONNX export.`,
      );
    }
    const manifest = await manifestOf(modelPath);
    const threads = options.threads ?? 0;
    const sessionOptions: InferenceSession.SessionOptions = {
      executionProviders: ["cpu"],
      graphOptimizationLevel: "all",
      executionMode: "sequential",
      interOpNumThreads: 1,
      ...(threads > 0 ? { intraOpNumThreads: threads } : {}),
      ...(options.spinning === false ? { extra: { session: { intra_op: { allow_spinning: "0" } } } } : {}),
    };
    const base = options.preprocessor ?? new SharpImagePreprocessor({ maxBytes: 20 * 1024 * 1024, maxPixels: 50_000_000 });
    const preprocessor = manifest ? base.withPreprocessing(manifest.preprocessing) : base;
    const tokens = manifest ? expectedTokens(manifest.architecture) : UNMASKED_SEQUENCE_LENGTH;
    const modelId = options.modelId ?? path.basename(modelPath).replace(/\.onnx$/i, "");
    const batchSize = Math.max(1, options.batchSize ?? 8);
    const idleMs = options.idleMs ?? 0;
    const now = { format: 1 as const, path: path.resolve(modelPath), stamp: await fileStamp(modelPath), preprocessing: preprocessor.preprocessing, tokens };
    const known = options.checkRecord ? await knownCheck(options.checkRecord, now, manifest) : null;
    if (known) {
      const fixed = known.fixedBatch ?? undefined;
      const session = ModelSession.resting(modelPath, sessionOptions, now.stamp, idleMs, known.sha256);
      return new OnnxImageEncoder(session, preprocessor, fixed ?? batchSize, known.dimension, modelId, known.sha256, fixed);
    }
    const [modelSha256, session] = await Promise.all([sha256File(modelPath), ModelSession.create(modelPath, sessionOptions, idleMs, now.stamp)]);
    session.modelSha256 = modelSha256;
    try {
      if (manifest && manifest.model.sha256 !== modelSha256) {
        throw new ModelFormatError(
          `${manifestPathOf(modelPath)} does not describe ${path.basename(modelPath)} (it records SHA-256 ${manifest.model.sha256}, the file has ${modelSha256}): ` +
            `the model file was replaced or damaged. Run \`vitrine model fetch\` again to install a model with its manifest.`,
        );
      }
      const { dimension, fixedBatch } = await validate(session, modelPath, preprocessor.preprocessing, tokens);
      if (options.checkRecord) await rememberCheck(options.checkRecord, { ...now, sha256: modelSha256, dimension, fixedBatch: fixedBatch ?? null });
      return new OnnxImageEncoder(session, preprocessor, fixedBatch ?? batchSize, dimension, modelId, modelSha256, fixedBatch);
    } catch (e) {
      await session.release();
      throw e;
    }
  }

  /** One image → one unit vector. Concurrent calls share model runs. */
  encode(bytes: Uint8Array): Promise<Float32Array> {
    if (this.closed) return Promise.reject(new UnavailableError("The image encoder is closed."));
    return new Promise((resolve, reject) => {
      this.queue.push({ bytes, resolve, reject });
      this.draining ??= this.drain();
    });
  }

  /** Images → vectors in order, `batchSize` per model run; rejects with the first bad image's error. */
  encodeBatch(images: readonly Uint8Array[]): Promise<Float32Array[]> {
    return Promise.all(images.map((bytes) => this.encode(bytes)));
  }

  /**
   * Runs the model on a prepared NCHW batch tensor (n × 3 × height × width of `preprocessing`) and
   * pools: no image decoding. `pixels` is sent to the model's process.
   * Used by the benchmark to measure the model alone.
   */
  async encodeTensor(pixels: Float32Array, n: number): Promise<Float32Array[]> {
    const length = this.preprocessor.tensorLength;
    let input = pixels.subarray(0, n * length);
    let runBatch = n;
    if (this.fixedBatch !== undefined && n < this.fixedBatch) {
      input = new Float32Array(this.fixedBatch * length);
      input.set(pixels.subarray(0, n * length));
      runBatch = this.fixedBatch;
    } else if (input.length !== pixels.length) {
      input = input.slice();
    }
    const { width, height } = this.preprocessing;
    const out = await this.session.run(INPUT, OUTPUT, input, [runBatch, 3, height, width]);
    const [, seq, dim] = out.dims;
    return meanPoolPatches(out.data, n, seq, dim);
  }

  /** How many times the model's process was started again after it died. */
  get restarts(): number {
    return this.session.restarts;
  }

  /** How many times the model was loaded again after resting (OnnxImageEncoderOptions.idleMs). */
  get wakes(): number {
    return this.session.wakes;
  }

  /** Whether the model is in memory now (false while it rests after `idleMs` without images, or is down). */
  get loaded(): boolean {
    return this.session.loaded;
  }

  /**
   * Outage tests and drills: the model's process is terminated as the next model run is sent, so
   * that run fails as in a crash (UnavailableError); the run after it starts a new thread.
   */
  crashOnNextRun(): void {
    this.session.crashOnNextRun();
  }

  /** Waits for queued work, then stops the model process (until then it keeps the process alive). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    while (this.draining) await this.draining;
    await this.session.release();
  }

  private take(): Job[] {
    return this.queue.splice(0, this.batchSize);
  }

  /** Checks each image and starts its decode; a failed check rejects that job only. */
  private async start(jobs: Job[]): Promise<Started[]> {
    const started = await Promise.all(
      jobs.map(async (job) => {
        try {
          return { job, pending: await this.preprocessor.start(job.bytes) };
        } catch (e) {
          job.reject(e);
          return undefined;
        }
      }),
    );
    return started.filter((s): s is Started => s !== undefined);
  }

  /** Waits for the decodes and writes the batch tensor; a failed decode rejects that job only. */
  private async finish(started: Started[]): Promise<{ jobs: Job[]; pixels: Float32Array } | undefined> {
    const decoded = await Promise.all(
      started.map(async ({ job, pending }) => {
        try {
          return { job, rgb: await pending.rgb };
        } catch (e) {
          job.reject(e);
          return undefined;
        }
      }),
    );
    const ok = decoded.filter((d): d is { job: Job; rgb: Uint8Array } => d !== undefined);
    if (ok.length === 0) return undefined;
    const length = this.preprocessor.tensorLength;
    const pixels = new Float32Array(ok.length * length);
    ok.forEach(({ rgb }, i) => this.preprocessor.normalise(rgb, pixels, i * length));
    return { jobs: ok.map((d) => d.job), pixels };
  }

  private async drain(): Promise<void> {
    try {
      await nextTurn(); // let the other encode() calls of this tick join the first batch
      let batch = await this.prepare();
      while (batch) {
        const { jobs } = batch;
        const running = this.encodeTensor(batch.pixels, jobs.length);
        running.catch(() => {}); // a model that is down rejects at once; the jobs get the error below
        // While the model runs this batch in its process, prepare the next one here.
        const next = await this.prepare();
        try {
          const vectors = await running;
          jobs.forEach((job, i) => job.resolve(vectors[i]));
        } catch (e) {
          jobs.forEach((job) => job.reject(e));
        }
        batch = next;
      }
    } finally {
      this.draining = undefined;
      if (this.queue.length > 0) this.draining = this.drain();
    }
  }

  /** Takes up to batchSize queued images and preprocesses them; undefined when nothing is left. */
  private async prepare(): Promise<{ jobs: Job[]; pixels: Float32Array } | undefined> {
    while (this.queue.length > 0) {
      const batch = await this.finish(await this.start(this.take()));
      if (batch) return batch;
    }
    return undefined;
  }
}

/** What is wrong with a manifest's preprocessing, or undefined when vitrine can reproduce it. */
function preprocessingProblem(p: ImagePreprocessing | undefined): string | undefined {
  if (!p || typeof p !== "object") return "it has no preprocessing";
  const size = (n: unknown): boolean => typeof n === "number" && Number.isInteger(n) && n > 0;
  const triple = (t: unknown): boolean => Array.isArray(t) && t.length === 3 && t.every((v) => typeof v === "number" && Number.isFinite(v));
  if (!size(p.width) || !size(p.height)) return `its preprocessing size ${JSON.stringify([p.width, p.height])} is not two positive integers`;
  if (!RESAMPLE_FILTERS.includes(p.resample)) return `its resample filter ${JSON.stringify(p.resample)} is not one of ${RESAMPLE_FILTERS.join(", ")}`;
  if (typeof p.doRescale !== "boolean" || typeof p.doNormalize !== "boolean") return "its doRescale / doNormalize are not true or false";
  if (typeof p.rescaleFactor !== "number" || !(p.rescaleFactor > 0)) return `its rescaleFactor ${JSON.stringify(p.rescaleFactor)} is not a positive number`;
  if (!triple(p.mean) || !triple(p.std) || p.std.some((v) => v === 0)) return "its mean and std are not 3 numbers each (std without 0)";
  return undefined;
}

/** The manifest beside the model, or null; an unreadable or unusable one is a ModelFormatError. */
async function manifestOf(modelPath: string): Promise<ModelManifest | null> {
  const file = manifestPathOf(modelPath);
  let manifest: ModelManifest | null;
  try {
    manifest = await readManifest(modelPath);
  } catch (e) {
    throw new ModelFormatError(
      `${file} could not be read (${(e as Error).message}). Run \`vitrine model fetch\` again, or remove it to use ${path.basename(modelPath)} with the default preprocessing.`,
    );
  }
  if (!manifest) return null;
  const problem = preprocessingProblem(manifest.preprocessing);
  const arch = manifest.architecture;
  const tokens = arch && arch.imageSize > 0 && arch.patchSize > 0 ? expectedTokens(arch) : Number.NaN;
  const why = problem ?? (!Number.isInteger(tokens) ? "its architecture's imageSize and patchSize do not give a whole number of patches" : undefined);
  if (why) throw new ModelFormatError(`${file} cannot be used: ${why}. Run \`vitrine model fetch\` again.`);
  return manifest;
}

async function validate(
  session: ModelSession,
  modelPath: string,
  preprocessing: ImagePreprocessing,
  tokens: number,
): Promise<{ dimension: number; fixedBatch: number | undefined }> {
  const name = path.basename(modelPath);
  if (!session.inputNames.includes(INPUT) || !session.outputNames.includes(OUTPUT)) {
    throw new ModelFormatError(
      `${name} is not a ViTMAE encoder export: expected input "${INPUT}" and output "${OUTPUT}", found inputs [${session.inputNames.join(", ")}] and outputs [${session.outputNames.join(", ")}].`,
    );
  }
  const meta = session.inputMetadata.find((m) => m.name === INPUT);
  const batchDim = meta && meta.isTensor ? meta.shape[0] : undefined;
  const fixedBatch = typeof batchDim === "number" && batchDim > 0 ? batchDim : undefined;
  const n = fixedBatch ?? 1;
  const { width, height } = preprocessing;
  // a fixed pseudo-image (not all zeros, so that tokens differ from one another and a shuffle shows)
  const probe = (): Float32Array => {
    const data = new Float32Array(n * 3 * width * height);
    for (let i = 0; i < data.length; i++) data[i] = Math.sin(i * 0.001) * 2;
    return data;
  };
  let out: OutputTensor;
  let again: OutputTensor;
  try {
    out = await session.run(INPUT, OUTPUT, probe(), [n, 3, height, width]);
    again = await session.run(INPUT, OUTPUT, probe(), [n, 3, height, width]);
  } catch (e) {
    throw new ModelFormatError(`${name} does not accept ${width}×${height} images (the size its preprocessing asks for): ${(e as Error).message}`);
  }
  if (out.dtype !== "float32" || out.dims.length !== 3 || out.dims[0] !== n) {
    throw new ModelFormatError(`${name}: "${OUTPUT}" should be float32 [batch, tokens, hidden]; got ${out.dtype} [${out.dims.join(", ")}].`);
  }
  const [, seq, dimension] = out.dims;
  if (seq !== tokens) {
    throw new ModelFormatError(
      `${name} returns ${seq} tokens per image, not ${tokens} (1 CLS token + one per patch): the export kept ViTMAE's random masking, ` +
        `so the same image would embed differently on every run (transformers' random_masking shuffles the patches even with mask_ratio=0.0). ` +
        `Run \`vitrine model prepare IN OUT\` on the export (any export, whatever its mask_ratio) to remove the masking, and use OUT.`,
    );
  }
  if (out.data.length !== again.data.length || out.data.some((v, i) => v !== again.data[i] && !(Number.isNaN(v) && Number.isNaN(again.data[i])))) {
    throw new ModelFormatError(
      `${name} returns different tokens for the same image on two runs: the export kept ViTMAE's random masking, which shuffles the patches ` +
        `even with mask_ratio=0.0. Run \`vitrine model prepare IN OUT\` on the export (any export, whatever its mask_ratio) to remove it, and use OUT.`,
    );
  }
  return { dimension, fixedBatch };
}
