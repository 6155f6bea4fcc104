/** parsePreprocessorConfig (image-preprocessing.ts) on the preprocessor_config.json files the Hub serves. */
import { describe, expect, it } from "vitest";
import { DEFAULT_PREPROCESSING, PreprocessingConfigError, parsePreprocessorConfig } from "./image-preprocessing.ts";

describe(parsePreprocessorConfig.name, () => {
  it("should read facebook/vit-mae-base's file: 224 square, bicubic, ImageNet mean and std", () => {
    const parsed = parsePreprocessorConfig({ do_normalize: true, do_resize: true, image_mean: [0.485, 0.456, 0.406], image_std: [0.229, 0.224, 0.225], resample: 3, size: 224 });
    expect(parsed).toEqual({ ...DEFAULT_PREPROCESSING, resample: "bicubic" });
  });

  it("should read the current spelling of the size and the rescale settings", () => {
    expect(parsePreprocessorConfig({ size: { height: 448, width: 448 }, do_rescale: false, rescale_factor: 0.5, image_mean: 0.5, image_std: 0.5 })).toMatchObject({
      width: 448,
      height: 448,
      resample: "bilinear",
      doRescale: false,
      rescaleFactor: 0.5,
      mean: [0.5, 0.5, 0.5],
      std: [0.5, 0.5, 0.5],
    });
  });

  it("should refuse a shortest-edge size, which keeps the aspect ratio instead of giving a fixed input", () => {
    expect(() => parsePreprocessorConfig({ size: { shortest_edge: 224 } })).toThrow(PreprocessingConfigError);
    expect(() => parsePreprocessorConfig({ size: { shortest_edge: 224 } })).toThrow(/"size" \{"shortest_edge":224\} is not supported/);
  });

  it("should refuse a crop, another filter and a zero std, naming the key", () => {
    expect(() => parsePreprocessorConfig({ do_center_crop: true })).toThrow(/"do_center_crop"/);
    expect(() => parsePreprocessorConfig({ resample: 1 })).toThrow(/"resample": 1 \(lanczos\)/);
    expect(() => parsePreprocessorConfig({ image_std: [0.2, 0, 0.2] })).toThrow(/"image_std" must not contain 0/);
  });
});
