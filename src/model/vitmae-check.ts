/**
 * Runs a ViTMAE ONNX model on a fixed input and reports what the image encoder cares about: the
 * token count of `last_hidden_state` (1 CLS + (image / patch)² patches without masking: 197 for
 * 224-pixel images and 16-pixel patches), its width, and whether two runs on the same input give the
 * same output (an export that kept the random masking does not, whatever its mask_ratio).
 */
import ort from "onnxruntime-node";
import type { InferenceSession, Tensor } from "onnxruntime-node";
import { expectedTokens } from "./model-manifest.ts";

/** Input and patch geometry of a ViTMAE model: image side, patch side, channels. */
export interface VitMaeGeometry {
  readonly imageSize: number;
  readonly patchSize: number;
  readonly numChannels?: number;
}

/** facebook/vit-mae-base's geometry: 224×224 RGB images, 16×16 patches. */
export const DEFAULT_VITMAE_GEOMETRY: VitMaeGeometry = Object.freeze({ imageSize: 224, patchSize: 16, numChannels: 3 });

/** 1 CLS token + (224 / 16)² patch tokens: the default geometry's token count. */
export const VITMAE_UNMASKED_TOKENS = expectedTokens(DEFAULT_VITMAE_GEOMETRY);

/** What checkVitMae found. */
export interface VitMaeCheck {
  /** Tokens per image in `last_hidden_state`. */
  readonly tokens: number;
  /** Width of each token. */
  readonly hidden: number;
  /** Two runs on the same input gave bit-identical outputs. */
  readonly deterministic: boolean;
  /** All output names of the model. */
  readonly outputs: readonly string[];
  /** Tokens expected without masking: 1 + (imageSize / patchSize)². */
  readonly expectedTokens: number;
  /** tokens is expectedTokens and the output is deterministic: what the encoder accepts. */
  readonly ok: boolean;
}

/** The model cannot be loaded or is not a ViTMAE encoder (no `pixel_values` → `last_hidden_state`). */
export class ModelCheckError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ModelCheckError";
  }
}

/** A fixed pseudo-image: smooth values in the normalised pixel range, the same on every call. */
function fixedInput(length: number): Float32Array {
  const data = new Float32Array(length);
  for (let i = 0; i < data.length; i++) data[i] = Math.sin(i * 0.001) * 2;
  return data;
}

/**
 * Loads `model` (file bytes or a path; a model with external data must be given by path) on the CPU
 * and runs it twice on a fixed [1, channels, image, image] input of `geometry` (default 224/16, RGB).
 */
export async function checkVitMae(model: Uint8Array | string, geometry: VitMaeGeometry = DEFAULT_VITMAE_GEOMETRY): Promise<VitMaeCheck> {
  const side = geometry.imageSize;
  const channels = geometry.numChannels ?? 3;
  const wanted = expectedTokens(geometry);
  let session: InferenceSession;
  try {
    session = typeof model === "string"
      ? await ort.InferenceSession.create(model, { executionProviders: ["cpu"] })
      : await ort.InferenceSession.create(model, { executionProviders: ["cpu"] });
  } catch (e) {
    throw new ModelCheckError(`onnxruntime cannot load the model: ${e instanceof Error ? e.message : String(e)}`);
  }
  try {
    if (!session.inputNames.includes("pixel_values") || !session.outputNames.includes("last_hidden_state")) {
      throw new ModelCheckError(
        `not a ViTMAE encoder: expected input "pixel_values" and output "last_hidden_state", found inputs [${session.inputNames.join(", ")}] and outputs [${session.outputNames.join(", ")}]`,
      );
    }
    const run = async (): Promise<Tensor> => {
      const out = await session.run({ pixel_values: new ort.Tensor("float32", fixedInput(channels * side * side), [1, channels, side, side]) }, ["last_hidden_state"]);
      return out.last_hidden_state;
    };
    const a = await run();
    const b = await run();
    if (a.dims.length !== 3 || a.dims[0] !== 1) {
      throw new ModelCheckError(`"last_hidden_state" should be [batch, tokens, hidden]; got [${a.dims.join(", ")}]`);
    }
    const da = a.data as Float32Array;
    const db = b.data as Float32Array;
    const deterministic = da.length === db.length && da.every((v, i) => Object.is(v, db[i]));
    const tokens = a.dims[1];
    return { tokens, hidden: a.dims[2], deterministic, outputs: [...session.outputNames], expectedTokens: wanted, ok: tokens === wanted && deterministic };
  } finally {
    await session.release();
  }
}
