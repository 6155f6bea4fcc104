/**
 * Builds ViTMAE encoder models as ONNX files, with random weights from a seeded PRNG: the same graph
 * interface as a Hugging Face transformers export of facebook/vit-mae-base (input `pixel_values`
 * float32 [batch, 3, 224, 224], output `last_hidden_state` [batch, 197, hidden]), so the image
 * encoder, `vitrine model prepare` and the benchmarks can be tested without downloading a model.
 *
 * The graph is vitmae-graph.ts's, the one `vitrine model fetch` writes with the Hub's weights; this
 * module is its other source of weights: seeded random ones (normal(0, 0.02) for projections, the
 * patch Conv and the CLS token; zero biases; unit LayerNorms; ViTMAE's fixed 2-D sin-cos position
 * embeddings), given in the Hub's naming and torch layout, so a test can also write them as a Hub
 * `model.safetensors` and compare the two paths.
 *
 * With `masking: true` (or "random") the graph also keeps the random masking of
 * ViTMAEEmbeddings.random_masking the way a torch export with mask_ratio 0.75 does: its output is
 * [batch, 50, hidden] and changes from run to run. With "shuffle" it keeps what an export with
 * mask_ratio 0.0 keeps: all 196 patches, in a random order on every run.
 */
import { mulberry32 } from "../encoding/seeded-random.ts";
import type { VitMaeArchitecture } from "./model-manifest.ts";
import { buildVitMaeModel, transpose2d, vitMaeTensorShapes, type VitMaeMasking, type VitMaeWeights } from "./vitmae-graph.ts";
import { encodeModel } from "./onnx-proto.ts";

/** Sizes of the generated models: hidden width, transformer layers, attention heads, MLP width. */
export const VITMAE_SIZES = {
  /** For tests: small and fast (about 0.2 MB). */
  tiny: { hidden: 32, layers: 2, heads: 2, mlp: 64 },
  /** facebook/vit-mae-base's shape (about 340 MB of random weights): for throughput benchmarks only. */
  base: { hidden: 768, layers: 12, heads: 12, mlp: 3072 },
} as const;

/** A size name of VITMAE_SIZES. */
export type VitMaeSize = keyof typeof VITMAE_SIZES;

/** Options of generateVitMae. */
export interface GenerateVitMaeOptions {
  readonly size: VitMaeSize;
  /** PRNG seed of the weights; same seed → byte-identical file. Default 0. */
  readonly seed?: number;
  /**
   * Keep ViTMAE's random masking in the graph: true or "random" as an export with mask_ratio 0.75
   * does (50 tokens), "shuffle" as one with mask_ratio 0.0 does (197 tokens in a random order).
   */
  readonly masking?: boolean | VitMaeMasking;
}

/** Image side, patch side, patches per image, and patches kept by masking with mask_ratio 0.75. */
export const VITMAE_GEOMETRY = { image: 224, patch: 16, patches: 196, keptWhenMasked: 49 } as const;

const INIT_STD = 0.02;

/** The VitMaeArchitecture of a generated size (224×224 images, 16×16 patches, exact GELU, eps 1e-12). */
export function vitMaeSizeArchitecture(size: VitMaeSize): VitMaeArchitecture {
  const { hidden, layers, heads, mlp } = VITMAE_SIZES[size];
  return {
    imageSize: VITMAE_GEOMETRY.image,
    patchSize: VITMAE_GEOMETRY.patch,
    numChannels: 3,
    hiddenSize: hidden,
    numHiddenLayers: layers,
    numAttentionHeads: heads,
    intermediateSize: mlp,
    layerNormEps: 1e-12,
    hiddenAct: "gelu",
    qkvBias: true,
  };
}

/**
 * Approximately normal(0, std) values: Irwin–Hall sum of 4 uniforms, rescaled to unit variance.
 * Only additions and multiplications, so the bytes do not depend on the platform's Math.log.
 */
function normals(next: () => number, n: number, std: number): Float32Array {
  const out = new Float32Array(n);
  const scale = std * Math.sqrt(3); // var(sum of 4 U(0,1)) = 1/3
  for (let i = 0; i < n; i++) out[i] = (next() + next() + next() + next() - 2) * scale;
  return out;
}

/** ViTMAE's fixed 2-D sin-cos position embeddings, [1 + grid², dim] with a zero row for CLS. */
function sinCosPositionEmbeddings(dim: number, grid: number): Float32Array {
  const out = new Float32Array((1 + grid * grid) * dim);
  const half = dim / 2;
  const quarter = half / 2;
  const omega = Array.from({ length: quarter }, (_, i) => 1 / 10000 ** (i / quarter));
  for (let h = 0; h < grid; h++) {
    for (let w = 0; w < grid; w++) {
      const row = (1 + h * grid + w) * dim;
      // first half encodes the width coordinate, second half the height (as MAE's get_2d_sincos_pos_embed)
      for (let i = 0; i < quarter; i++) {
        out[row + i] = Math.sin(w * omega[i]);
        out[row + quarter + i] = Math.cos(w * omega[i]);
        out[row + half + i] = Math.sin(h * omega[i]);
        out[row + half + quarter + i] = Math.cos(h * omega[i]);
      }
    }
  }
  return out;
}

/**
 * Seeded random weights for `arch` in the Hub's naming and torch layout (Linear weights [out, in]).
 * Values are drawn lazily in vitMaeTensorShapes order (the order the graph writer asks for them),
 * so the same seed gives the same weights whatever reads them, and only one tensor is held at a time
 * when they are read in that order.
 */
export function randomVitMaeWeights(arch: VitMaeArchitecture, seed = 0): VitMaeWeights {
  const next = mulberry32(seed);
  const order = [...vitMaeTensorShapes(arch)];
  const { imageSize, patchSize, hiddenSize } = arch;
  const drawn = new Map<string, Float32Array>();
  let cursor = 0;
  const draw = (name: string, shape: readonly number[]): Float32Array => {
    const n = shape.reduce((a, b) => a * b, 1);
    if (name === "vit.embeddings.position_embeddings") return sinCosPositionEmbeddings(hiddenSize, imageSize / patchSize);
    if (name === "vit.embeddings.patch_embeddings.projection.weight" || name === "vit.embeddings.cls_token") return normals(next, n, INIT_STD);
    if (name.endsWith(".bias")) return new Float32Array(n);
    if (name.includes("layernorm")) return new Float32Array(n).fill(1);
    // a Linear: drawn in [in, out] order (as MatMul uses it), handed out in torch's [out, in]
    const [out, inDim] = shape;
    return transpose2d(normals(next, n, INIT_STD), inDim, out);
  };
  return {
    tensor(name: string, shape: readonly number[]): Float32Array {
      const cached = drawn.get(name);
      if (cached) {
        drawn.delete(name);
        return cached;
      }
      while (cursor < order.length) {
        const [n, s] = order[cursor++];
        if (n === name && s.join() !== shape.join()) throw new Error(`randomVitMaeWeights: ${name} is [${s.join(", ")}], not [${shape.join(", ")}]`);
        const values = draw(n, s);
        if (n === name) return values;
        drawn.set(n, values);
      }
      throw new Error(`randomVitMaeWeights: ${name} is not an encoder tensor, or was read twice`);
    },
  };
}

/**
 * An ONNX ViTMAE encoder with seeded random weights; see the module comment. The weights are drawn
 * in the same order with and without masking, so all variants of one seed compute the same
 * function on the kept tokens.
 */
export function generateVitMae(options: GenerateVitMaeOptions): Uint8Array {
  const arch = vitMaeSizeArchitecture(options.size);
  const masking: VitMaeMasking = options.masking === true ? "random" : options.masking || "none";
  const seed = options.seed ?? 0;
  const note = masking === "random" ? ", random masking kept" : masking === "shuffle" ? ", mask_ratio 0.0 shuffle kept" : "";
  return encodeModel(
    buildVitMaeModel(arch, randomVitMaeWeights(arch, seed), {
      masking,
      name: `vit-mae-${options.size}`,
      producerVersion: "vitmae-generator",
      docString: `ViTMAE-${options.size} with random weights (seed ${seed}${note}); for tests and benchmarks only.`,
    }),
  );
}
