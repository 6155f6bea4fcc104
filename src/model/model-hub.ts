/**
 * `vitrine model fetch` without `--url`: installs a ViTMAE model from the Hugging Face Hub (or a
 * mirror, HF_ENDPOINT; or a folder, `--from`) with no Python. Three files of the repository —
 * config.json, preprocessor_config.json, model.safetensors — are downloaded from
 * `{endpoint}/{repo}/resolve/{revision}/{file}`, checked, turned into the mask-free encoder graph
 * (vitmae-graph.ts) and installed with a manifest (model-manifest.ts).
 *
 * Download: a HEAD request without following redirects reads what the Hub declares — the commit
 * (`X-Repo-Commit`; the other files are then fetched at that commit, so all three come from one
 * revision), and for LFS files the SHA-256 (`X-Linked-Etag`) and size (`X-Linked-Size`); the GET
 * follows the redirect to the CDN and is resumable (model-fetcher.ts: `.part` + Range). Sizes and
 * SHA-256 are checked against what was declared (or a pin) and recorded. A plain static mirror
 * that declares nothing works too: the files are hashed and recorded. config.json and
 * preprocessor_config.json are checked before the weights are downloaded.
 *
 * Install: the model is written in a staging folder beside the destination, loaded and run by
 * onnxruntime there, then renamed into place (external data file, model, manifest). On any failure
 * before that — a bad checksum, a cut download, an unsupported config, a missing tensor — the
 * staging folder is deleted and the installed model is not touched. Downloads are kept in a cache
 * folder beside the model until an install succeeds, so a failed run resumes where it stopped.
 */
import { mkdir, readFile, readdir, rename, rm, rmdir, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { request } from "undici";
import { ChecksumMismatchError, ModelFetchError, fetchModel } from "./model-fetcher.ts";
import { sha256File } from "./file-hash.ts";
import { MANIFEST_FORMAT, manifestPathOf, writeManifest, type ManifestFile, type ModelManifest, type VitMaeArchitecture } from "./model-manifest.ts";
import { parsePreprocessorConfig, type ImagePreprocessing } from "./image-preprocessing.ts";
import { parseVitMaeConfig } from "./vitmae-config.ts";
import { SafetensorsFile } from "./safetensors.ts";
import { safetensorsVitMaeWeights } from "./vitmae-hub-weights.ts";
import { ExternalDataWriter, buildVitMaeModel, vitMaeWeightBytes } from "./vitmae-graph.ts";
import { encodeModel } from "./onnx-proto.ts";
import { checkVitMae } from "./vitmae-check.ts";
import { processIsAlive } from "../adapters/fs/process-alive.ts";

/** The repository `vitrine model fetch` installs by default. */
export const DEFAULT_HUB_REPO = "facebook/vit-mae-base";
/**
 * The revision asked for by default. A branch: no commit of facebook/vit-mae-base could be verified
 * offline when this was written, so the commit the Hub reports is recorded in the manifest instead.
 */
export const DEFAULT_HUB_REVISION = "main";
/** The three files read from a repository or a folder. */
export const HUB_FILES = ["config.json", "preprocessor_config.json", "model.safetensors"] as const;
/** One of HUB_FILES. */
export type HubFile = (typeof HUB_FILES)[number];

/**
 * Above this many bytes of weights the graph is written with ONNX external data (protobuf's limit is
 * 2 GB; an inline model is built in memory, so large, 1.2 GB, goes external too, base, 343 MB, inline).
 */
export const EXTERNAL_DATA_THRESHOLD = 512 * 1024 ** 2;

/** metadata_props key of a model with external data: the SHA-256 of its `.data` file. */
export const EXTERNAL_DATA_SHA256_KEY = "vitrine.external_data.sha256";

/** Options of installHubModel. */
export interface HubInstallOptions {
  /** Final path of the .onnx model (config.model.path); the manifest and any `.data` file go beside it. */
  readonly out: string;
  /** Hub base URL (config.model.hubEndpoint, from HF_ENDPOINT). */
  readonly endpoint: string;
  readonly repo?: string;
  readonly revision?: string;
  /** Read the three files from this folder instead of downloading them. */
  readonly from?: string;
  /** Expected SHA-256 of files (hex), checked in addition to what the Hub declares. */
  readonly sha256?: Partial<Record<HubFile, string>>;
  /** Weights in a `.data` file beside the model: true, false, or "auto" (above EXTERNAL_DATA_THRESHOLD). Default "auto". */
  readonly externalData?: boolean | "auto";
  /** Also write a dynamically quantized int8 graph beside the fp32 one (`<name>.int8.onnx`, with its own manifest). */
  readonly quantize?: "int8";
  /** Where progress bars go; false for none. Default process.stderr. */
  readonly progress?: NodeJS.WriteStream | false;
  /** Called with one line per step (downloads, checks, install). */
  readonly log?: (line: string) => void;
}

/** What installHubModel installed. */
export interface HubInstallResult {
  readonly modelPath: string;
  readonly manifestPath: string;
  readonly manifest: ModelManifest;
  /** The int8 model written with `quantize: "int8"`. */
  readonly int8?: { readonly modelPath: string; readonly manifest: ModelManifest };
}

/** The Hub answered something unusable (not found, bad status, size mismatch); the message says what to do. */
export class HubError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "HubError";
  }
}

const HEX64 = /^[0-9a-f]{64}$/;

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** `{endpoint}/{repo}/resolve/{revision}/{file}`, each path segment encoded. */
export function hubFileUrl(endpoint: string, repo: string, revision: string, file: string): string {
  const repoPath = repo.split("/").map(encodeURIComponent).join("/");
  return `${endpoint.replace(/\/+$/, "")}/${repoPath}/resolve/${encodeURIComponent(revision)}/${file}`;
}

/** What a HEAD of a Hub file declares. */
interface HubFileInfo {
  readonly commit: string | undefined;
  readonly sha256: string | undefined;
  readonly size: number | undefined;
}

async function headHubFile(url: string, file: string, repo: string, revision: string): Promise<HubFileInfo> {
  let response;
  let target = url;
  let commit: string | undefined;
  // Relative redirects (a renamed repository, the Hub's own resolve cache) are followed, as the Hub's
  // clients do; a redirect to another host (the CDN of an LFS file) is not: its headers are the Hub's.
  for (let hop = 0; ; hop++) {
    try {
      response = await request(target, { method: "HEAD", maxRedirections: 0, headers: { "user-agent": "vitrine" } });
    } catch (e) {
      throw new HubError(`Cannot reach ${target}: ${e instanceof Error ? e.message : String(e)}. Check the network or HF_ENDPOINT.`);
    }
    await response.body.dump().catch(() => undefined);
    commit ??= header(response.headers, "x-repo-commit");
    const location = header(response.headers, "location");
    if (response.statusCode < 300 || response.statusCode >= 400 || !location || hop >= 5) break;
    const next = new URL(location, target);
    if (next.origin !== new URL(target).origin || header(response.headers, "x-linked-etag")) break;
    target = next.href;
  }
  const status = response.statusCode;
  // a plain file server as a mirror may not answer HEAD: then nothing is declared, and the download is hashed and recorded
  if (status === 405 || status === 501) return { commit, sha256: undefined, size: undefined };
  if (status === 401 || status === 403 || status === 404) {
    throw new HubError(
      `${file} of ${repo} at revision "${revision}" was not found (HTTP ${status} from ${url}). Check --repo and --revision ` +
        `(vitrine sends no token, so private or gated repositories cannot be read: download the files and use --from DIR).`,
    );
  }
  if (status >= 400) throw new HubError(`The Hub answered HTTP ${status} for ${url}; try again later.`);
  const h = response.headers;
  const etag = (header(h, "x-linked-etag") ?? "").replace(/^W\//, "").replace(/"/g, "").toLowerCase();
  const linkedSize = header(h, "x-linked-size");
  const length = status >= 300 ? undefined : header(h, "content-length");
  const size = linkedSize !== undefined ? Number(linkedSize) : length !== undefined ? Number(length) : undefined;
  return { commit: header(h, "x-repo-commit") ?? commit, sha256: HEX64.test(etag) ? etag : undefined, size: Number.isSafeInteger(size) ? size : undefined };
}

async function describe(file: string, name: string): Promise<ManifestFile> {
  return { name, bytes: (await stat(file)).size, sha256: await sha256File(file) };
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

/** Where downloads of one repository and revision wait until an install succeeds. */
function cacheDirOf(out: string, repo: string, revision: string): string {
  return path.join(path.dirname(out), ".hub-cache", `${repo.replace(/\//g, "--")}`, revision.replace(/[^\w.-]/g, "_"));
}

function checkPin(file: HubFile, actual: string, pins: HubInstallOptions["sha256"]): void {
  const pin = pins?.[file]?.trim().toLowerCase();
  if (pin !== undefined && pin !== actual) {
    throw new ModelFetchError(`Checksum mismatch for ${file}: expected sha256 ${pin}, got ${actual}. Check the --sha256 value, --repo and --revision.`);
  }
}

/** Downloads the three files (see the module comment); returns their local paths, descriptions and the commit. */
async function download(
  options: HubInstallOptions,
  repo: string,
  revision: string,
  log: (line: string) => void,
  /** Runs on the two small files before the weights are downloaded, so a config vitrine refuses costs no 448 MB. */
  checkConfigs: (paths: Record<HubFile, string>) => Promise<void>,
): Promise<{ paths: Record<HubFile, string>; files: ManifestFile[]; commit: string | null; cacheDir: string }> {
  const cacheDir = cacheDirOf(path.resolve(options.out), repo, revision);
  await mkdir(cacheDir, { recursive: true });
  let commit: string | null = null;
  const paths = {} as Record<HubFile, string>;
  const files: ManifestFile[] = [];
  for (const file of HUB_FILES) {
    if (file === "model.safetensors") await checkConfigs(paths);
    const url = hubFileUrl(options.endpoint, repo, commit ?? revision, file);
    const info = await headHubFile(url, file, repo, revision);
    if (commit === null && info.commit) {
      commit = info.commit;
      if (commit !== revision) log(`${repo}: revision "${revision}" is commit ${commit}; all files are read at that commit`);
    }
    const local = path.join(cacheDir, file);
    const pin = options.sha256?.[file]?.trim().toLowerCase();
    const expected = info.sha256 ?? pin;
    let described: ManifestFile;
    if (expected && (await exists(local)) && (await sha256File(local)) === expected) {
      log(`${file}: already downloaded (sha256 ${expected})`);
      described = await describe(local, file);
    } else {
      const result = await fetchModel({
        url,
        out: local,
        sha256: expected,
        progress: file === "model.safetensors" ? options.progress : false,
      }).catch((e: unknown) => {
        if (!(e instanceof ChecksumMismatchError)) throw e;
        throw new ChecksumMismatchError(
          e.expected,
          e.actual,
          `${file} (${info.sha256 ? "as the Hub declares it" : "as --sha256 pins it"})`,
          `The download was deleted and nothing was installed. Run the command again; if it fails the same way, ${options.endpoint} serves a damaged file.`,
        );
      });
      if (info.size !== undefined && result.bytes !== info.size) {
        await rm(local, { force: true });
        throw new ModelFetchError(`${file}: downloaded ${result.bytes} bytes but the Hub declares ${info.size}. The download was deleted; run the command again.`);
      }
      log(`${file}: ${result.bytes} bytes, sha256 ${result.sha256}${info.sha256 ? " (as the Hub declares)" : ""}${result.resumedFrom > 0 ? `, resumed from ${result.resumedFrom} bytes` : ""}`);
      described = { name: file, bytes: result.bytes, sha256: result.sha256 };
    }
    checkPin(file, described.sha256, options.sha256);
    paths[file] = local;
    files.push(described);
  }
  return { paths, files, commit, cacheDir };
}

const STAGING = /^\.vitrine-install-(\d+)-\d+$/;

/** Deletes staging folders left by installs whose process is gone (killed mid-install). */
async function removeStaleStaging(dir: string): Promise<void> {
  for (const entry of await readdir(dir)) {
    const m = STAGING.exec(entry);
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid !== process.pid && !processIsAlive(pid)) await rm(path.join(dir, entry), { recursive: true, force: true });
  }
}

/** Deletes a revision's downloads, then the repository and cache folders when nothing else is in them. */
async function removeCache(cacheDir: string): Promise<void> {
  await rm(cacheDir, { recursive: true, force: true });
  await pruneEmpty(path.dirname(cacheDir));
}

/** Removes `dir` and its two parents (repository, cache) while they are empty. */
async function pruneEmpty(dir: string): Promise<void> {
  for (const folder of [dir, path.dirname(dir), path.dirname(path.dirname(dir))]) {
    try {
      await rmdir(folder);
    } catch {
      return; // not empty (downloads to resume wait there) or already gone
    }
  }
}

async function readJson(file: string, name: string): Promise<unknown> {
  const text = await readFile(file, "utf8");
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new HubError(`${name} is not valid JSON (${e instanceof Error ? e.message : String(e)}).`);
  }
}

/** The preprocessing must produce the input size the architecture was built for. */
function checkPreprocessing(pre: ImagePreprocessing, arch: VitMaeArchitecture): void {
  if (pre.width !== arch.imageSize || pre.height !== arch.imageSize) {
    throw new HubError(
      `preprocessor_config.json resizes to ${pre.width}×${pre.height} but config.json's "image_size" is ${arch.imageSize}: the files do not belong together. Check --repo and --revision.`,
    );
  }
}

/**
 * Downloads (or reads from `from`), checks and installs a ViTMAE model; see the module comment.
 * Errors: HubError (not found, size, files that do not belong together), ModelFetchError and
 * ChecksumMismatchError (downloads), ModelConfigError (config.json), PreprocessingConfigError,
 * SafetensorsError and CheckpointMismatchError (weights). None of them touches the installed model.
 */
/** File name of the int8 model installed beside `name`: `vit-mae-base.onnx` → `vit-mae-base.int8.onnx`. */
export function int8NameOf(name: string): string {
  return name.replace(/(\.onnx)?$/i, ".int8.onnx");
}

export async function installHubModel(options: HubInstallOptions): Promise<HubInstallResult> {
  const log = options.log ?? (() => undefined);
  const out = path.resolve(options.out);
  const repo = options.repo ?? DEFAULT_HUB_REPO;
  const revision = options.revision ?? DEFAULT_HUB_REVISION;
  await mkdir(path.dirname(out), { recursive: true });
  await removeStaleStaging(path.dirname(out));

  let configs: { architecture: VitMaeArchitecture; preprocessing: ImagePreprocessing } | undefined;
  const checkConfigs = async (paths: Record<HubFile, string>): Promise<void> => {
    const architecture = parseVitMaeConfig(await readJson(paths["config.json"], "config.json"));
    const preprocessing = parsePreprocessorConfig(await readJson(paths["preprocessor_config.json"], "preprocessor_config.json"));
    checkPreprocessing(preprocessing, architecture);
    log(
      `config: ViTMAE ${architecture.imageSize}px / ${architecture.patchSize}px patches, hidden ${architecture.hiddenSize}, ${architecture.numHiddenLayers} layers, ` +
        `${architecture.numAttentionHeads} heads, MLP ${architecture.intermediateSize}, eps ${architecture.layerNormEps}; preprocessing ${preprocessing.width}×${preprocessing.height} ${preprocessing.resample}`,
    );
    configs = { architecture, preprocessing };
  };

  let paths: Record<HubFile, string>;
  let files: ManifestFile[];
  let commit: string | null = null;
  let cacheDir: string | undefined;
  if (options.from) {
    const dir = path.resolve(options.from);
    paths = Object.fromEntries(HUB_FILES.map((f) => [f, path.join(dir, f)])) as Record<HubFile, string>;
    const missing = [];
    for (const f of HUB_FILES) if (!(await exists(paths[f]))) missing.push(f);
    if (missing.length > 0) throw new HubError(`${dir} lacks ${missing.join(", ")}: --from needs config.json, preprocessor_config.json and model.safetensors.`);
    files = [];
    for (const f of HUB_FILES) {
      const described = await describe(paths[f], f);
      checkPin(f, described.sha256, options.sha256);
      files.push(described);
    }
  } else {
    try {
      ({ paths, files, commit, cacheDir } = await download(options, repo, revision, log, checkConfigs));
    } catch (e) {
      await pruneEmpty(cacheDirOf(out, repo, revision));
      throw e;
    }
  }
  if (!configs) await checkConfigs(paths);
  const { architecture, preprocessing } = configs!;

  const staging = path.join(path.dirname(out), `.vitrine-install-${process.pid}-${Date.now()}`);
  const name = path.basename(out);
  const stagedModel = path.join(staging, name);
  const dataName = `${name}.data`;
  const stagedData = path.join(staging, dataName);
  const weightBytes = vitMaeWeightBytes(architecture);
  const external = options.externalData === true || ((options.externalData ?? "auto") === "auto" && weightBytes > EXTERNAL_DATA_THRESHOLD);
  await mkdir(staging, { recursive: true });
  try {
    const checkpoint = SafetensorsFile.open(paths["model.safetensors"]);
    try {
      const weights = safetensorsVitMaeWeights(checkpoint, architecture);
      const build = {
        name: repo.split("/").pop() ?? "vit-mae",
        producerVersion: "vitmae-graph",
        docString: `ViTMAE encoder of ${options.from ? path.resolve(options.from) : `${repo}@${commit ?? revision}`} (masking removed), written by vitrine model fetch.`,
      };
      const started = performance.now();
      if (external) {
        const writer = new ExternalDataWriter(stagedData, dataName);
        let model;
        try {
          model = buildVitMaeModel(architecture, weights, { ...build, sink: writer.sink });
        } finally {
          writer.close();
        }
        // The .onnx file names its weights' digest, so its checksum (the encoder's model id) changes with them.
        model.metadata_props = [{ key: EXTERNAL_DATA_SHA256_KEY, value: await sha256File(stagedData) }];
        await writeFile(stagedModel, encodeModel(model));
      } else {
        const bytes = encodeModel(buildVitMaeModel(architecture, weights, build));
        await writeFile(stagedModel, bytes);
      }
      log(`graph: written in ${((performance.now() - started) / 1000).toFixed(1)} s (${(weightBytes / 1e6).toFixed(1)} MB of fp32 weights${external ? `, in ${dataName}` : ""})`);
    } finally {
      checkpoint.close();
    }

    const check = await checkVitMae(stagedModel, architecture);
    if (!check.ok) {
      throw new HubError(`The written model returns ${check.tokens} tokens${check.deterministic ? "" : ", different on two runs"} instead of ${check.expectedTokens}: this is a bug in vitrine, please report it.`);
    }
    log(`check: "last_hidden_state" [1, ${check.tokens}, ${check.hidden}] on a fixed input, identical on two runs`);

    let int8: { name: string; staged: string } | undefined;
    if (options.quantize === "int8") {
      if (external) {
        throw new HubError("--quantize int8 is not available for a model written with external data (vit-mae-large and -huge); install it without --quantize.");
      }
      const { quantizeDynamicInt8 } = await import("./vitmae-quantize.ts");
      const started = performance.now();
      const quantized = await quantizeDynamicInt8(await readFile(stagedModel));
      for (const line of quantized.report) log(`int8: ${line}`);
      int8 = { name: int8NameOf(name), staged: "" };
      int8.staged = path.join(staging, int8.name);
      await writeFile(int8.staged, quantized.bytes);
      const int8Check = await checkVitMae(int8.staged, architecture);
      if (!int8Check.ok) throw new HubError(`The int8 model returns ${int8Check.tokens} tokens${int8Check.deterministic ? "" : ", different on two runs"}: this is a bug in vitrine, please report it.`);
      log(`int8: written and checked in ${((performance.now() - started) / 1000).toFixed(1)} s (${(quantized.bytes.length / 1e6).toFixed(1)} MB)`);
    }

    const modelFile = await describe(stagedModel, name);
    const manifest: ModelManifest = {
      format: MANIFEST_FORMAT,
      source: options.from ? "dir" : "hub",
      repo: options.from ? (options.repo ?? null) : repo,
      requestedRevision: options.from ? (options.revision ?? null) : revision,
      revision: commit,
      origin: options.from ? path.resolve(options.from) : options.endpoint,
      files,
      model: { file: name, bytes: modelFile.bytes, sha256: modelFile.sha256, precision: "fp32", ...(external ? { data: await describe(stagedData, dataName) } : {}) },
      architecture,
      preprocessing,
      installedAt: new Date().toISOString(),
    };
    await writeManifest(stagedModel, manifest);
    let int8Manifest: ModelManifest | undefined;
    if (int8) {
      const file = await describe(int8.staged, int8.name);
      int8Manifest = { ...manifest, model: { file: int8.name, bytes: file.bytes, sha256: file.sha256, precision: "int8" } };
      await writeManifest(int8.staged, int8Manifest);
    }

    // Into place: the weights first, the model that points at them, then the manifest that describes both.
    if (external) await rename(stagedData, `${out}.data`);
    await rename(stagedModel, out);
    await rename(manifestPathOf(stagedModel), manifestPathOf(out));
    const int8Out = path.join(path.dirname(out), int8NameOf(name));
    if (int8) {
      await rename(int8.staged, int8Out);
      await rename(manifestPathOf(int8.staged), manifestPathOf(int8Out));
    }
    if (!external) await rm(`${out}.data`, { force: true });
    if (cacheDir) await removeCache(cacheDir);
    return { modelPath: out, manifestPath: manifestPathOf(out), manifest, ...(int8Manifest ? { int8: { modelPath: int8Out, manifest: int8Manifest } } : {}) };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
