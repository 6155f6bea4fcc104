/**
 * A Hugging Face ViTMAEForPreTraining checkpoint of the generator's tiny weights, as the Hub stores
 * one: config.json, preprocessor_config.json (facebook/vit-mae-base's) and model.safetensors with
 * the encoder under `vit.` in torch layout, plus decoder tensors that vitrine must ignore.
 */
import { encodeSafetensors, type FloatDtype, type SafetensorsInput } from "../../src/model/safetensors.ts";
import { randomVitMaeWeights, vitMaeSizeArchitecture } from "../../src/model/vitmae-generator.ts";
import { vitMaeTensorShapes } from "../../src/model/vitmae-graph.ts";

/** The tiny architecture (hidden 32, 2 layers, 2 heads, MLP 64, 224-pixel images, 16-pixel patches). */
export const TINY = vitMaeSizeArchitecture("tiny");

/** config.json of the tiny checkpoint, in the Hub's spelling; `overrides` replace keys. */
export function tinyConfig(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    architectures: ["ViTMAEForPreTraining"],
    attention_probs_dropout_prob: 0.0,
    decoder_hidden_size: 16,
    decoder_intermediate_size: 32,
    decoder_num_attention_heads: 2,
    decoder_num_hidden_layers: 1,
    hidden_act: "gelu",
    hidden_dropout_prob: 0.0,
    hidden_size: TINY.hiddenSize,
    image_size: 224,
    initializer_range: 0.02,
    intermediate_size: TINY.intermediateSize,
    layer_norm_eps: 1e-12,
    mask_ratio: 0.75,
    model_type: "vit_mae",
    norm_pix_loss: false,
    num_attention_heads: TINY.numAttentionHeads,
    num_channels: 3,
    num_hidden_layers: TINY.numHiddenLayers,
    patch_size: 16,
    qkv_bias: true,
    torch_dtype: "float32",
    transformers_version: "4.16.0.dev0",
    ...overrides,
  };
}

/** facebook/vit-mae-base's preprocessor_config.json. */
export const PREPROCESSOR_CONFIG = {
  do_normalize: true,
  do_resize: true,
  image_mean: [0.485, 0.456, 0.406],
  image_std: [0.229, 0.224, 0.225],
  resample: 3,
  size: 224,
};

/** Options of tinyCheckpoint. */
export interface TinyCheckpointOptions {
  readonly dtype?: FloatDtype;
  /** Tensors left out. */
  readonly omit?: readonly string[];
  /** Tensors given another shape (same number of values is not required: random values are used). */
  readonly reshape?: Readonly<Record<string, readonly number[]>>;
}

/** model.safetensors of the generator's tiny weights of `seed` (see the module comment). */
export function tinyCheckpoint(seed: number, options: TinyCheckpointOptions = {}): Uint8Array {
  const dtype = options.dtype ?? "F32";
  const weights = randomVitMaeWeights(TINY, seed);
  const tensors: Record<string, SafetensorsInput> = {};
  const decoder = (name: string, shape: number[]): void => {
    tensors[name] = { dtype, shape, values: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(i)) };
  };
  decoder("decoder.mask_token", [1, 1, 16]);
  decoder("decoder.decoder_pos_embed", [1, 197, 16]);
  decoder("decoder.decoder_embed.weight", [16, TINY.hiddenSize]);
  for (const [name, shape] of vitMaeTensorShapes(TINY)) {
    const values = weights.tensor(name, shape);
    if (options.omit?.includes(name)) continue;
    const other = options.reshape?.[name];
    tensors[name] = other ? { dtype, shape: other, values: new Float32Array(other.reduce((a, b) => a * b, 1)) } : { dtype, shape, values };
  }
  decoder("decoder.decoder_norm.weight", [16]);
  decoder("decoder.decoder_pred.weight", [768, 16]);
  return encodeSafetensors(tensors, { format: "pt" });
}

/** The three files of a tiny Hub repository. */
export function tinyRepoFiles(seed: number, options: TinyCheckpointOptions & { config?: Record<string, unknown> } = {}): Record<string, Uint8Array> {
  return {
    "config.json": new TextEncoder().encode(JSON.stringify(tinyConfig(options.config))),
    "preprocessor_config.json": new TextEncoder().encode(JSON.stringify(PREPROCESSOR_CONFIG)),
    "model.safetensors": tinyCheckpoint(seed, options),
  };
}
