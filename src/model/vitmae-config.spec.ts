import { describe, expect, it } from "vitest";
import { ModelConfigError, parseVitMaeConfig } from "./vitmae-config.ts";

/** facebook/vit-mae-base's config.json (the keys that matter). */
const BASE = {
  architectures: ["ViTMAEForPreTraining"],
  hidden_act: "gelu",
  hidden_size: 768,
  image_size: 224,
  intermediate_size: 3072,
  layer_norm_eps: 1e-12,
  mask_ratio: 0.75,
  model_type: "vit_mae",
  num_attention_heads: 12,
  num_channels: 3,
  num_hidden_layers: 12,
  patch_size: 16,
  qkv_bias: true,
};

const problems = (json: unknown): readonly string[] => {
  try {
    parseVitMaeConfig(json);
  } catch (e) {
    expect(e).toBeInstanceOf(ModelConfigError);
    return (e as ModelConfigError).problems;
  }
  throw new Error("accepted");
};

describe(parseVitMaeConfig.name, () => {
  it("should read vit-mae-base's config", () => {
    expect(parseVitMaeConfig(BASE)).toEqual({
      imageSize: 224,
      patchSize: 16,
      numChannels: 3,
      hiddenSize: 768,
      numHiddenLayers: 12,
      numAttentionHeads: 12,
      intermediateSize: 3072,
      layerNormEps: 1e-12,
      hiddenAct: "gelu",
      qkvBias: true,
    });
  });

  it("should read large and huge shapes, and the layer_norm_eps as written", () => {
    const huge = parseVitMaeConfig({ ...BASE, hidden_size: 1280, num_hidden_layers: 32, num_attention_heads: 16, intermediate_size: 5120, patch_size: 14, layer_norm_eps: 1e-6 });
    expect(huge).toMatchObject({ hiddenSize: 1280, numHiddenLayers: 32, numAttentionHeads: 16, intermediateSize: 5120, patchSize: 14, layerNormEps: 1e-6 });
  });

  it("should take ViTMAEConfig's defaults for missing keys", () => {
    expect(parseVitMaeConfig({ model_type: "vit_mae" })).toEqual(parseVitMaeConfig(BASE));
  });

  it("should refuse what the graph does not compute exactly, naming every difference", () => {
    expect(problems({ ...BASE, model_type: "vit", hidden_act: "gelu_new", qkv_bias: false, num_channels: 1 })).toEqual([
      '"model_type" is "vit"; vitrine builds "vit_mae" (ViTMAE) encoders only',
      '"num_channels" is 1; vitrine feeds RGB images (3 channels)',
      '"hidden_act" is "gelu_new"; vitrine\'s graph computes the exact GELU ("gelu", with Erf) only',
      '"qkv_bias" is false; vitrine\'s graph needs query/key/value biases (true)',
    ]);
    expect(problems({ ...BASE, image_size: 225 })).toEqual(['"image_size" 225 is not a multiple of "patch_size" 16']);
    expect(problems({ ...BASE, num_attention_heads: 7 })).toEqual(['"hidden_size" 768 is not divisible by "num_attention_heads" 7']);
    expect(problems({ ...BASE, layer_norm_eps: 0 })).toEqual(['"layer_norm_eps" must be a positive number; got 0']);
    expect(problems({ ...BASE, num_hidden_layers: 2.5, image_size: [224, 192] })).toEqual([
      '"image_size" must be a positive integer (a square side); got [224,192]',
      '"num_hidden_layers" must be a positive integer; got 2.5',
    ]);
    expect(() => parseVitMaeConfig([])).toThrow(/must hold a JSON object/);
  });

  it("should put every difference in the message", () => {
    expect(() => parseVitMaeConfig({ ...BASE, hidden_act: "relu", qkv_bias: false })).toThrow(/cannot build: "hidden_act" is "relu".*; "qkv_bias" is false/);
  });
});
