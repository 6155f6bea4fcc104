/**
 * Reads a Hugging Face ViTMAE `config.json` into the VitMaeArchitecture the graph writer builds, and
 * refuses what that graph does not compute exactly as transformers does: another model type, another
 * activation than exact GELU, attention projections without bias, an image size that is not a
 * whole number of patches, a hidden size that the heads do not divide. Missing keys take
 * ViTMAEConfig's defaults (the base model's), as transformers does. Every difference is named in
 * one message.
 */
import type { VitMaeArchitecture } from "./model-manifest.ts";

/** config.json describes a model the ViTMAE graph does not support; the message lists every difference. */
export class ModelConfigError extends Error {
  constructor(
    message: string,
    /** One line per difference. */
    readonly problems: readonly string[] = [message],
  ) {
    super(message);
    this.name = "ModelConfigError";
  }
}

/** ViTMAEConfig's defaults (transformers), used for keys config.json leaves out. */
const DEFAULTS = {
  image_size: 224,
  patch_size: 16,
  num_channels: 3,
  hidden_size: 768,
  num_hidden_layers: 12,
  num_attention_heads: 12,
  intermediate_size: 3072,
  layer_norm_eps: 1e-12,
  hidden_act: "gelu",
  qkv_bias: true,
} as const;

/**
 * The architecture of a parsed config.json (see the module comment); ModelConfigError when it is not
 * a ViTMAE the graph supports.
 */
export function parseVitMaeConfig(json: unknown): VitMaeArchitecture {
  if (!json || typeof json !== "object" || Array.isArray(json)) throw new ModelConfigError("config.json must hold a JSON object.");
  const c = json as Record<string, unknown>;
  const problems: string[] = [];
  const value = <K extends keyof typeof DEFAULTS>(key: K): unknown => (c[key] === undefined || c[key] === null ? DEFAULTS[key] : c[key]);
  const positiveInt = (key: keyof typeof DEFAULTS): number => {
    const v = value(key);
    if (typeof v === "number" && Number.isSafeInteger(v) && v > 0) return v;
    problems.push(`"${key}" must be a positive integer; got ${JSON.stringify(v)}`);
    return NaN;
  };

  if (c.model_type !== "vit_mae") problems.push(`"model_type" is ${JSON.stringify(c.model_type)}; vitrine builds "vit_mae" (ViTMAE) encoders only`);
  const rawImage = value("image_size");
  const side = Array.isArray(rawImage) && rawImage.length === 2 && rawImage[0] === rawImage[1] ? (rawImage[0] as unknown) : rawImage;
  let imageSize = NaN;
  if (typeof side === "number" && Number.isSafeInteger(side) && side > 0) imageSize = side;
  else problems.push(`"image_size" must be a positive integer (a square side); got ${JSON.stringify(rawImage)}`);
  const patchSize = positiveInt("patch_size");
  const numChannels = positiveInt("num_channels");
  const hiddenSize = positiveInt("hidden_size");
  const numHiddenLayers = positiveInt("num_hidden_layers");
  const numAttentionHeads = positiveInt("num_attention_heads");
  const intermediateSize = positiveInt("intermediate_size");
  if (!Number.isNaN(numChannels) && numChannels !== 3) problems.push(`"num_channels" is ${numChannels}; vitrine feeds RGB images (3 channels)`);
  if (imageSize > 0 && patchSize > 0 && imageSize % patchSize !== 0) {
    problems.push(`"image_size" ${imageSize} is not a multiple of "patch_size" ${patchSize}`);
  }
  if (hiddenSize > 0 && numAttentionHeads > 0 && hiddenSize % numAttentionHeads !== 0) {
    problems.push(`"hidden_size" ${hiddenSize} is not divisible by "num_attention_heads" ${numAttentionHeads}`);
  }
  const hiddenAct = value("hidden_act");
  if (hiddenAct !== "gelu") {
    problems.push(`"hidden_act" is ${JSON.stringify(hiddenAct)}; vitrine's graph computes the exact GELU ("gelu", with Erf) only`);
  }
  const qkvBias = value("qkv_bias");
  if (qkvBias !== true) problems.push(`"qkv_bias" is ${JSON.stringify(qkvBias)}; vitrine's graph needs query/key/value biases (true)`);
  const layerNormEps = value("layer_norm_eps");
  if (!(typeof layerNormEps === "number" && Number.isFinite(layerNormEps) && layerNormEps > 0)) {
    problems.push(`"layer_norm_eps" must be a positive number; got ${JSON.stringify(layerNormEps)}`);
  }
  if (problems.length > 0) {
    throw new ModelConfigError(`config.json describes a model vitrine cannot build: ${problems.join("; ")}.`, problems);
  }
  return {
    imageSize,
    patchSize,
    numChannels,
    hiddenSize,
    numHiddenLayers,
    numAttentionHeads,
    intermediateSize,
    layerNormEps: layerNormEps as number,
    hiddenAct: "gelu",
    qkvBias: true,
  };
}
