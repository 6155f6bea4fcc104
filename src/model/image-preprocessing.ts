/**
 * How a ViTMAE model wants its pixels: the part of a Hugging Face `preprocessor_config.json`
 * (ViTImageProcessor, or the legacy ViTFeatureExtractor) that vitrine honours. It travels with an
 * installed model in its manifest (model-manifest.ts), so the preprocessing is never a constant.
 */

/** Resampling filters vitrine reproduces exactly as Pillow does (Pillow's codes 2 and 3). */
export const RESAMPLE_FILTERS = ["bilinear", "bicubic"] as const;
export type ResampleFilter = (typeof RESAMPLE_FILTERS)[number];

/** Pillow's `Image.Resampling` codes, as preprocessor_config.json writes them. */
const PILLOW_RESAMPLE: Readonly<Record<number, string>> = { 0: "nearest", 1: "lanczos", 2: "bilinear", 3: "bicubic", 4: "box", 5: "hamming" };

export interface ImagePreprocessing {
  /** Model input width and height in pixels (every image is resized straight to it, no crop). */
  readonly width: number;
  readonly height: number;
  readonly resample: ResampleFilter;
  /** Multiply 8-bit values by `rescaleFactor` (1/255) first; false leaves 0..255. */
  readonly doRescale: boolean;
  readonly rescaleFactor: number;
  /** Subtract `mean` and divide by `std`, per RGB channel. */
  readonly doNormalize: boolean;
  readonly mean: readonly [number, number, number];
  readonly std: readonly [number, number, number];
}

/**
 * What vitrine used before models carried their own preprocessing: facebook/vit-mae-base's size,
 * ImageNet mean and std, BILINEAR. A model with no manifest (a user's own export) is read this way.
 */
export const DEFAULT_PREPROCESSING: ImagePreprocessing = Object.freeze({
  width: 224,
  height: 224,
  resample: "bilinear",
  doRescale: true,
  rescaleFactor: 1 / 255,
  doNormalize: true,
  mean: [0.485, 0.456, 0.406] as const,
  std: [0.229, 0.224, 0.225] as const,
});

/** preprocessor_config.json asks for something vitrine does not reproduce; the message says what. */
export class PreprocessingConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PreprocessingConfigError";
  }
}

function triple(value: unknown, key: string): [number, number, number] {
  if (typeof value === "number" && Number.isFinite(value)) return [value, value, value];
  if (Array.isArray(value) && value.length === 3 && value.every((v) => typeof v === "number" && Number.isFinite(v))) {
    return [value[0], value[1], value[2]];
  }
  throw new PreprocessingConfigError(`preprocessor_config.json: "${key}" must be a number or a list of 3 numbers; got ${JSON.stringify(value)}.`);
}

function size(value: unknown): { width: number; height: number } {
  const positive = (n: unknown): n is number => typeof n === "number" && Number.isInteger(n) && n > 0;
  if (positive(value)) return { width: value, height: value };
  if (value && typeof value === "object") {
    const s = value as Record<string, unknown>;
    if (positive(s.height) && positive(s.width)) return { width: s.width, height: s.height };
    // {"shortest_edge": N} keeps the aspect ratio (ViTImageProcessor itself refuses it): not a fixed size
  }
  throw new PreprocessingConfigError(
    `preprocessor_config.json: "size" ${JSON.stringify(value)} is not supported; vitrine resizes straight to a fixed size ({"height": H, "width": W} or one number).`,
  );
}

/**
 * Reads a parsed preprocessor_config.json. Missing keys take ViTImageProcessor's defaults
 * (resize on, BILINEAR, rescale by 1/255, normalise with ImageNet mean and std, 224×224); a filter,
 * size or option vitrine cannot reproduce exactly (a crop, another resample filter) is refused with
 * a PreprocessingConfigError naming it.
 */
export function parsePreprocessorConfig(json: unknown): ImagePreprocessing {
  if (!json || typeof json !== "object" || Array.isArray(json)) throw new PreprocessingConfigError("preprocessor_config.json must hold a JSON object.");
  const c = json as Record<string, unknown>;
  const flag = (key: string, fallback: boolean): boolean => {
    const v = c[key];
    if (v === undefined || v === null) return fallback;
    if (typeof v !== "boolean") throw new PreprocessingConfigError(`preprocessor_config.json: "${key}" must be true or false; got ${JSON.stringify(v)}.`);
    return v;
  };
  if (!flag("do_resize", true)) throw new PreprocessingConfigError('preprocessor_config.json: "do_resize" is false; vitrine needs a fixed input size.');
  if (flag("do_center_crop", false)) throw new PreprocessingConfigError('preprocessor_config.json: "do_center_crop" is not supported (ViTMAE resizes without a crop).');
  const code = c.resample ?? 2;
  const resample = code === 2 ? "bilinear" : code === 3 ? "bicubic" : undefined;
  if (!resample) {
    const name = typeof code === "number" ? PILLOW_RESAMPLE[code] : undefined;
    throw new PreprocessingConfigError(
      `preprocessor_config.json: "resample": ${JSON.stringify(code)}${name ? ` (${name})` : ""} is not supported; vitrine reproduces Pillow's BILINEAR (2) and BICUBIC (3) exactly.`,
    );
  }
  const rescaleFactor = c.rescale_factor ?? 1 / 255;
  if (typeof rescaleFactor !== "number" || !(rescaleFactor > 0)) {
    throw new PreprocessingConfigError(`preprocessor_config.json: "rescale_factor" must be a positive number; got ${JSON.stringify(c.rescale_factor)}.`);
  }
  const std = triple(c.image_std ?? DEFAULT_PREPROCESSING.std, "image_std");
  if (std.some((s) => s === 0)) throw new PreprocessingConfigError('preprocessor_config.json: "image_std" must not contain 0.');
  return Object.freeze({
    ...size(c.size ?? 224),
    resample,
    doRescale: flag("do_rescale", true),
    rescaleFactor,
    doNormalize: flag("do_normalize", true),
    mean: triple(c.image_mean ?? DEFAULT_PREPROCESSING.mean, "image_mean"),
    std,
  });
}
