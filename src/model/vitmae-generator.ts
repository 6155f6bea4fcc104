/**
 * Builds ViTMAE encoder models as ONNX files, with random weights from a seeded PRNG: the same graph
 * interface as a Hugging Face transformers export of facebook/vit-mae-base (input `pixel_values`
 * float32 [batch, 3, 224, 224], output `last_hidden_state` [batch, 197, hidden]), so the image
 * encoder, `vitrine model prepare` and the benchmarks can be tested without downloading a model.
 *
 * Graph: 16×16 patch Conv (stride 16) → flatten to 196 tokens → + position embeddings (fixed 2-D
 * sin-cos, as ViTMAE) → CLS token (+ its position embedding) prepended → pre-LayerNorm transformer
 * blocks (multi-head self-attention with q/k/v/out projections, GELU MLP via Erf, residuals) → final
 * LayerNorm. Opset 17 (LayerNormalization), IR version 8.
 *
 * With `masking: true` the graph also keeps the random masking of ViTMAEEmbeddings.random_masking
 * the way a torch export does (noise = RandomUniformLike → argsort as TopK(largest=0) → ids_keep =
 * Slice(:49) → GatherElements of the kept tokens; mask and ids_restore as extra outputs): its output
 * is [batch, 50, hidden] and changes from run to run.
 */
import {
  DataType,
  attr,
  encodeModel,
  floatTensor,
  int64Tensor,
  tensorValueInfo,
  type AttributeProto,
  type NodeProto,
  type TensorProto,
} from "./onnx-proto.ts";
import { mulberry32 } from "../encoding/seeded-random.ts";

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
  /** Keep ViTMAE's random masking (mask ratio 0.75) in the graph, as an export with mask_ratio 0.75 does. */
  readonly masking?: boolean;
}

/** Image side, patch side, patches per image, and patches kept by masking with mask_ratio 0.75. */
export const VITMAE_GEOMETRY = { image: 224, patch: 16, patches: 196, keptWhenMasked: 49 } as const;

const LAYER_NORM_EPS = 1e-12;
const INIT_STD = 0.02;

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

/** Collects nodes and initializers with unique names. */
class GraphBuilder {
  readonly nodes: NodeProto[] = [];
  readonly initializers: TensorProto[] = [];
  private count = 0;

  node(opType: string, inputs: readonly string[], attributes: readonly AttributeProto[] = [], outputs = 1, name?: string): string[] {
    const id = `${opType}_${this.count++}`;
    const outs = Array.from({ length: outputs }, (_, i) => (name && i === 0 ? name : `${id}_out${i}`));
    this.nodes.push({ name: `/${id}`, op_type: opType, input: [...inputs], output: outs, attribute: [...attributes] });
    return outs;
  }

  one(opType: string, inputs: readonly string[], attributes: readonly AttributeProto[] = [], name?: string): string {
    return this.node(opType, inputs, attributes, 1, name)[0];
  }

  floats(name: string, dims: readonly number[], data: Float32Array): string {
    this.initializers.push(floatTensor(name, dims, data));
    return name;
  }

  ints(name: string, dims: readonly number[], values: readonly number[]): string {
    this.initializers.push(int64Tensor(name, dims, values));
    return name;
  }

  /** A float scalar as a Constant node (as exporters emit small constants). */
  scalar(value: number): string {
    return this.one("Constant", [], [attr.tensor("value", floatTensor(`const_${this.count}`, [], new Float32Array([value])))]);
  }
}

/**
 * An ONNX ViTMAE encoder with seeded random weights; see the module comment for the graph. The
 * weights are drawn in the same order with and without masking, so both variants of one seed
 * compute the same function on the kept tokens.
 */
export function generateVitMae(options: GenerateVitMaeOptions): Uint8Array {
  const { hidden, layers, heads, mlp } = VITMAE_SIZES[options.size];
  const { image, patch, patches, keptWhenMasked } = VITMAE_GEOMETRY;
  const grid = image / patch;
  const headDim = hidden / heads;
  const next = mulberry32(options.seed ?? 0);
  const g = new GraphBuilder();
  const ones = (n: number): Float32Array => new Float32Array(n).fill(1);
  const zeros = (n: number): Float32Array => new Float32Array(n);

  // Embeddings: patch Conv, flatten(2).transpose(1, 2), + position embeddings[:, 1:].
  const convW = g.floats("vit.embeddings.patch_embeddings.projection.weight", [hidden, 3, patch, patch], normals(next, hidden * 3 * patch * patch, INIT_STD));
  const convB = g.floats("vit.embeddings.patch_embeddings.projection.bias", [hidden], zeros(hidden));
  const clsToken = g.floats("vit.embeddings.cls_token", [1, 1, hidden], normals(next, hidden, INIT_STD));
  const posEmb = g.floats("vit.embeddings.position_embeddings", [1, 1 + patches, hidden], sinCosPositionEmbeddings(hidden, grid));
  const conv = g.one("Conv", ["pixel_values", convW, convB], [
    attr.ints("kernel_shape", [patch, patch]),
    attr.ints("strides", [patch, patch]),
    attr.ints("pads", [0, 0, 0, 0]),
    attr.ints("dilations", [1, 1]),
    attr.int("group", 1),
  ]);
  const flat = g.one("Reshape", [conv, g.ints("flatten_shape", [3], [0, hidden, -1])]);
  const tokens = g.one("Transpose", [flat], [attr.ints("perm", [0, 2, 1])]);
  const axis1 = g.ints("axes_1", [1], [1]);
  const patchPos = g.one("Slice", [posEmb, g.ints("pos_patch_start", [1], [1]), g.ints("pos_patch_end", [1], [1 + patches]), axis1]);
  const withPos = g.one("Add", [tokens, patchPos]);
  const batch = g.one("Shape", [withPos], [attr.int("start", 0), attr.int("end", 1)]); // [batch]

  let kept = withPos;
  let extraOutputs: string[] = [];
  if (options.masking) {
    // ViTMAEEmbeddings.random_masking as a torch export keeps it.
    const noiseShape = g.one("Shape", [withPos], [attr.int("start", 0), attr.int("end", 2)]); // [batch, 196]
    const zerosLike = g.one("ConstantOfShape", [noiseShape], [attr.tensor("value", floatTensor("zero", [1], new Float32Array([0])))]);
    const noise = g.one("RandomUniformLike", [zerosLike], [attr.float("low", 0), attr.float("high", 1), attr.int("dtype", DataType.FLOAT)]);
    const seqLen = g.ints("num_patches", [1], [patches]);
    const [, idsShuffle] = g.node("TopK", [noise, seqLen], [attr.int("axis", 1), attr.int("largest", 0), attr.int("sorted", 1)], 2); // argsort(noise)
    const shuffleAsFloat = g.one("Cast", [idsShuffle], [attr.int("to", DataType.FLOAT)]);
    const [, idsRestore] = g.node("TopK", [shuffleAsFloat, seqLen], [attr.int("axis", 1), attr.int("largest", 0), attr.int("sorted", 1)], 2);
    g.one("Identity", [idsRestore], [], "ids_restore");
    const lenKeep = g.ints("len_keep", [1], [keptWhenMasked]);
    const idsKeep = g.one("Slice", [idsShuffle, g.ints("keep_start", [1], [0]), lenKeep, axis1]);
    const index = g.one("Unsqueeze", [idsKeep, g.ints("axes_2", [1], [2])]); // [batch, 49, 1]
    const indexShape = g.one("Concat", [batch, g.ints("keep_index_shape", [2], [keptWhenMasked, hidden])], [attr.int("axis", 0)]);
    const indexFull = g.one("Expand", [index, indexShape]); // ids_keep.unsqueeze(-1).repeat(1, 1, dim)
    kept = g.one("GatherElements", [withPos, indexFull], [attr.int("axis", 1)]);
    // mask = ones; mask[:, :len_keep] = 0; mask = gather(mask, 1, ids_restore)
    const keptShape = g.one("Concat", [batch, g.ints("mask_kept_len", [1], [keptWhenMasked])], [attr.int("axis", 0)]);
    const removedShape = g.one("Concat", [batch, g.ints("mask_removed_len", [1], [patches - keptWhenMasked])], [attr.int("axis", 0)]);
    const maskKept = g.one("ConstantOfShape", [keptShape], [attr.tensor("value", floatTensor("mask_zero", [1], new Float32Array([0])))]);
    const maskRemoved = g.one("ConstantOfShape", [removedShape], [attr.tensor("value", floatTensor("mask_one", [1], new Float32Array([1])))]);
    const maskSorted = g.one("Concat", [maskKept, maskRemoved], [attr.int("axis", 1)]);
    g.one("GatherElements", [maskSorted, idsRestore], [attr.int("axis", 1)], "mask");
    extraOutputs = ["mask", "ids_restore"];
  }

  // CLS token + position_embeddings[:, :1], expanded to the batch, prepended.
  const clsPos = g.one("Slice", [posEmb, g.ints("pos_cls_start", [1], [0]), g.ints("pos_cls_end", [1], [1]), axis1]);
  const cls = g.one("Add", [clsToken, clsPos]);
  const clsShape = g.one("Concat", [batch, g.ints("cls_shape_tail", [2], [1, hidden])], [attr.int("axis", 0)]);
  const clsTokens = g.one("Expand", [cls, clsShape]);
  let x = g.one("Concat", [clsTokens, kept], [attr.int("axis", 1)]);

  const headsShape = g.ints("heads_shape", [4], [0, 0, heads, headDim]);
  const mergeShape = g.ints("merge_shape", [3], [0, 0, hidden]);
  const scale = g.scalar(1 / Math.sqrt(headDim));
  const sqrt2 = g.scalar(Math.SQRT2);
  const one = g.scalar(1);
  const half = g.scalar(0.5);
  const layerNorm = (input: string, prefix: string): string =>
    g.one("LayerNormalization", [input, g.floats(`${prefix}.weight`, [hidden], ones(hidden)), g.floats(`${prefix}.bias`, [hidden], zeros(hidden))], [
      attr.int("axis", -1),
      attr.float("epsilon", LAYER_NORM_EPS),
    ]);
  const linear = (input: string, prefix: string, inDim: number, outDim: number): string => {
    const w = g.floats(`${prefix}.weight`, [inDim, outDim], normals(next, inDim * outDim, INIT_STD));
    const b = g.floats(`${prefix}.bias`, [outDim], zeros(outDim));
    return g.one("Add", [g.one("MatMul", [input, w]), b]);
  };

  for (let l = 0; l < layers; l++) {
    const p = `vit.encoder.layer.${l}`;
    const ln1 = layerNorm(x, `${p}.layernorm_before`);
    const q = linear(ln1, `${p}.attention.attention.query`, hidden, hidden);
    const k = linear(ln1, `${p}.attention.attention.key`, hidden, hidden);
    const v = linear(ln1, `${p}.attention.attention.value`, hidden, hidden);
    const qh = g.one("Transpose", [g.one("Reshape", [q, headsShape])], [attr.ints("perm", [0, 2, 1, 3])]); // [b, h, s, d]
    const kt = g.one("Transpose", [g.one("Reshape", [k, headsShape])], [attr.ints("perm", [0, 2, 3, 1])]); // [b, h, d, s]
    const vh = g.one("Transpose", [g.one("Reshape", [v, headsShape])], [attr.ints("perm", [0, 2, 1, 3])]);
    const scores = g.one("Mul", [g.one("MatMul", [qh, kt]), scale]);
    const probs = g.one("Softmax", [scores], [attr.int("axis", -1)]);
    const context = g.one("Transpose", [g.one("MatMul", [probs, vh])], [attr.ints("perm", [0, 2, 1, 3])]);
    const merged = g.one("Reshape", [context, mergeShape]);
    x = g.one("Add", [x, linear(merged, `${p}.attention.output.dense`, hidden, hidden)]);
    const ln2 = layerNorm(x, `${p}.layernorm_after`);
    const h1 = linear(ln2, `${p}.intermediate.dense`, hidden, mlp);
    const gelu = g.one("Mul", [g.one("Mul", [h1, g.one("Add", [g.one("Erf", [g.one("Div", [h1, sqrt2])]), one])]), half]);
    x = g.one("Add", [x, linear(gelu, `${p}.output.dense`, mlp, hidden)]);
  }
  const lastLn = layerNorm(x, "vit.layernorm");
  g.one("Identity", [lastLn], [], "last_hidden_state");

  const seq = options.masking ? "sequence_length" : 1 + patches;
  return encodeModel({
    ir_version: 8,
    opset_import: [{ domain: "", version: 17 }],
    producer_name: "vitrine",
    producer_version: "vitmae-generator",
    doc_string: `ViTMAE-${options.size} with random weights (seed ${options.seed ?? 0}${options.masking ? ", random masking kept" : ""}); for tests and benchmarks only.`,
    graph: {
      name: `vit-mae-${options.size}`,
      node: g.nodes,
      initializer: g.initializers,
      input: [tensorValueInfo("pixel_values", DataType.FLOAT, ["batch_size", 3, image, image])],
      output: [
        tensorValueInfo("last_hidden_state", DataType.FLOAT, ["batch_size", seq, hidden]),
        ...extraOutputs.map((name) => tensorValueInfo(name, name === "mask" ? DataType.FLOAT : DataType.INT64, ["batch_size", patches])),
      ],
    },
  });
}
