/**
 * `vitrine model embed`: the embedding of each image file from an installed model, computed by the
 * same encoder the server uses (OnnxImageEncoder: preprocessing, model run, pooling), with the model
 * file's checksum and the preprocessing its manifest declares (DEFAULT_PREPROCESSING without one).
 * A file that cannot be read or decoded is reported with its reason; the others are still embedded.
 * Images are resized Pillow-exactly whatever their size (up to the pixel cap), so the output can be
 * compared with transformers' preprocessing on any photo.
 */
import { readFile } from "node:fs/promises";
import { OnnxImageEncoder } from "../adapters/onnx/onnx-image-encoder.ts";
import { SharpImagePreprocessor } from "../adapters/sharp/sharp-image-preprocessor.ts";
import { DEFAULT_PREPROCESSING, type ImagePreprocessing } from "./image-preprocessing.ts";
import { readManifest } from "./model-manifest.ts";

/** One file's outcome: its vector, or why it has none. */
export type EmbedResult = { readonly file: string; readonly vector: Float32Array } | { readonly file: string; readonly error: string };

/** What embedImages returns: one result per file, in order. */
export interface EmbedReport {
  readonly results: readonly EmbedResult[];
  /** SHA-256 of the model file. */
  readonly modelSha256: string;
  readonly preprocessing: ImagePreprocessing;
}

/** Embeds `files` with the model at `modelPath` (see the module comment); throws only when the model cannot be opened. */
export async function embedImages(
  modelPath: string,
  files: readonly string[],
  options: { threads?: number; batchSize?: number; maxBytes?: number; maxPixels?: number } = {},
): Promise<EmbedReport> {
  const manifest = await readManifest(modelPath);
  // A check of the model, not a server: every image is resized exactly as Pillow does, however large
  // (the server hands images over VITRINE_IMAGE_EXACT_MAX_PIXELS to sharp's kernel, off its JS thread).
  const maxPixels = options.maxPixels ?? 50_000_000;
  const preprocessor = new SharpImagePreprocessor({ maxBytes: options.maxBytes ?? 20 * 1024 * 1024, maxPixels, exactMaxPixels: maxPixels });
  const encoder = await OnnxImageEncoder.open(modelPath, { threads: options.threads, batchSize: options.batchSize, preprocessor });
  try {
    const results = await Promise.all(
      files.map(async (file): Promise<EmbedResult> => {
        let bytes: Uint8Array;
        try {
          bytes = await readFile(file);
        } catch (e) {
          return { file, error: `cannot read the file (${e instanceof Error ? e.message : String(e)})` };
        }
        try {
          return { file, vector: await encoder.encode(bytes) };
        } catch (e) {
          return { file, error: e instanceof Error ? e.message : String(e) };
        }
      }),
    );
    return { results, modelSha256: encoder.modelSha256, preprocessing: manifest?.preprocessing ?? DEFAULT_PREPROCESSING };
  } finally {
    await encoder.close();
  }
}
