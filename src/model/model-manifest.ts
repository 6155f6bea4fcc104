/**
 * The manifest installed beside a model file: where the model came from (repository, revision, the
 * files downloaded with their sizes and SHA-256), what it is (the ViTMAE architecture it was built
 * for, its own checksum, its weight precision) and how its images must be prepared. `vitrine model
 * fetch` writes it; the image encoder reads it (preprocessing, expected tokens) and checks that it
 * describes the model file beside it.
 *
 * `models/vit-mae-base.onnx` → `models/vit-mae-base.manifest.json`.
 */
import { readFile, writeFile } from "node:fs/promises";
import type { ImagePreprocessing } from "./image-preprocessing.ts";

export const MANIFEST_FORMAT = "vitrine-model/1" as const;

/** The ViTMAE encoder shape a model was written for (from the Hub's config.json). */
export interface VitMaeArchitecture {
  readonly imageSize: number;
  readonly patchSize: number;
  readonly numChannels: number;
  readonly hiddenSize: number;
  readonly numHiddenLayers: number;
  readonly numAttentionHeads: number;
  readonly intermediateSize: number;
  readonly layerNormEps: number;
  readonly hiddenAct: string;
  readonly qkvBias: boolean;
}

/** One downloaded (or copied) source file. */
export interface ManifestFile {
  readonly name: string;
  readonly bytes: number;
  readonly sha256: string;
}

export interface ModelManifest {
  readonly format: typeof MANIFEST_FORMAT;
  /** How the weights arrived: the Hub (or a mirror), a local folder, a URL, or generated. */
  readonly source: "hub" | "dir" | "url" | "generated";
  /** Hub repository, e.g. "facebook/vit-mae-base"; null for a URL or a folder without one. */
  readonly repo: string | null;
  /** The revision asked for (a branch, tag or commit). */
  readonly requestedRevision: string | null;
  /** The commit the files came from, as the Hub reported it; null when not known. */
  readonly revision: string | null;
  /** Base URL of the Hub or mirror (HF_ENDPOINT), or the folder read. */
  readonly origin: string | null;
  readonly files: readonly ManifestFile[];
  readonly model: {
    /** The model file's name, next to the manifest. */
    readonly file: string;
    readonly bytes: number;
    readonly sha256: string;
    /** Weight precision of the graph: fp32, or int8 (dynamically quantized MatMul weights). */
    readonly precision: "fp32" | "int8";
    /** The ONNX external data file beside the model (large models), when its weights are not inline. */
    readonly data?: ManifestFile;
  };
  readonly architecture: VitMaeArchitecture;
  readonly preprocessing: ImagePreprocessing;
  /** ISO 8601 time of installation. */
  readonly installedAt: string;
}

/** The manifest path of a model file. */
export function manifestPathOf(modelPath: string): string {
  return modelPath.replace(/(\.onnx)?$/i, ".manifest.json");
}

/** Tokens per image in `last_hidden_state`: 1 CLS token + (imageSize / patchSize)² patches. */
export function expectedTokens(arch: Pick<VitMaeArchitecture, "imageSize" | "patchSize">): number {
  return 1 + (arch.imageSize / arch.patchSize) ** 2;
}

/** The manifest beside `modelPath`, or null when there is none. Throws when one exists but cannot be read. */
export async function readManifest(modelPath: string): Promise<ModelManifest | null> {
  const file = manifestPathOf(modelPath);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw e;
  }
  const json = JSON.parse(text) as ModelManifest;
  if (json?.format !== MANIFEST_FORMAT) throw new Error(`${file} is not a vitrine model manifest (format ${JSON.stringify(json?.format)}).`);
  return json;
}

/** Writes `manifest` beside `modelPath` (callers install atomically: write in a staging folder, then rename). */
export async function writeManifest(modelPath: string, manifest: ModelManifest): Promise<string> {
  const file = manifestPathOf(modelPath);
  await writeFile(file, `${JSON.stringify(manifest, null, 2)}\n`);
  return file;
}
