/**
 * Writes the ViTMAE encoder as an ONNX graph for any VitMaeArchitecture, from any source of weights
 * named and laid out as the Hugging Face checkpoint of ViTMAEForPreTraining stores them (`vit.`
 * prefix, torch Linear weights [out, in]): seeded random weights (vitmae-generator.ts) or a Hub
 * `model.safetensors` (vitmae-hub-weights.ts). Same interface as a transformers export: input
 * `pixel_values` float32 [batch, channels, image, image], output `last_hidden_state`
 * [batch, 1 + (image / patch)², hidden].
 *
 * Graph: patch Conv (kernel = stride = patch) → flatten to tokens → + position embeddings[:, 1:] →
 * CLS token (+ position embeddings[:, :1]) prepended → pre-LayerNorm transformer blocks (multi-head
 * self-attention with q/k/v/out projections, GELU MLP via Erf, residuals) → final LayerNorm with the
 * architecture's epsilon. Opset 17 (LayerNormalization), IR version 8.
 *
 * Masking variants reproduce what a torch export of ViTMAEEmbeddings.random_masking keeps (noise =
 * RandomUniformLike → argsort as TopK(largest=0) → ids_keep = Slice(:len_keep) → GatherElements of
 * the kept tokens; mask and ids_restore as extra outputs): "random" keeps 25% of the patches
 * (mask_ratio 0.75), "shuffle" keeps all of them in a random order (mask_ratio 0.0, which still
 * shuffles). Both change from run to run; `vitrine model prepare` removes them.
 *
 * Weights are written inline (one .onnx file, under protobuf's 2 GB limit) or as ONNX external data
 * (TensorProto.data_location = EXTERNAL, `location`/`offset`/`length` entries) in a `.data` file next
 * to the .onnx, which onnxruntime reads when it loads the model from its path: needed for
 * vit-mae-huge, whose fp32 encoder is about 2.5 GB. External tensors are streamed to the data file
 * one by one, so memory stays at about one tensor.
 */
import { closeSync, openSync, writeSync } from "node:fs";
import {
  DataType,
  attr,
  encodeModel,
  floatTensor,
  int64Tensor,
  tensorValueInfo,
  type AttributeProto,
  type ModelProto,
  type NodeProto,
  type TensorProto,
} from "./onnx-proto.ts";
import { expectedTokens, type VitMaeArchitecture } from "./model-manifest.ts";

/** A source of encoder weights in the Hub's naming and torch layout; `shape` is the expected torch shape. */
export interface VitMaeWeights {
  tensor(name: string, shape: readonly number[]): Float32Array;
}

/** The masking a torch export keeps: none (the encoder vitrine uses), mask_ratio 0.75, or mask_ratio 0.0 (all patches, shuffled). */
export type VitMaeMasking = "none" | "random" | "shuffle";

/** Where initializer data goes: inline raw_data, or an external data file. */
export type InitializerSink = (name: string, dims: readonly number[], data: Float32Array) => TensorProto;

/** Options of buildVitMaeModel. */
export interface BuildVitMaeOptions {
  readonly masking?: VitMaeMasking;
  /** Graph name; default "vit-mae". */
  readonly name?: string;
  readonly docString?: string;
  readonly producerVersion?: string;
  /** Default: inline raw_data (floatTensor). */
  readonly sink?: InitializerSink;
}

/** Patches per side and in total. */
function patchGrid(arch: VitMaeArchitecture): { grid: number; patches: number } {
  const grid = arch.imageSize / arch.patchSize;
  return { grid, patches: grid * grid };
}

/**
 * Every encoder tensor of a ViTMAEForPreTraining checkpoint with its torch shape, in the order the
 * graph writer reads them (and the random generator draws them).
 */
export function vitMaeTensorShapes(arch: VitMaeArchitecture): Map<string, number[]> {
  const h = arch.hiddenSize;
  const i = arch.intermediateSize;
  const { patches } = patchGrid(arch);
  const shapes = new Map<string, number[]>([
    ["vit.embeddings.patch_embeddings.projection.weight", [h, arch.numChannels, arch.patchSize, arch.patchSize]],
    ["vit.embeddings.patch_embeddings.projection.bias", [h]],
    ["vit.embeddings.cls_token", [1, 1, h]],
    ["vit.embeddings.position_embeddings", [1, 1 + patches, h]],
  ]);
  for (let l = 0; l < arch.numHiddenLayers; l++) {
    const p = `vit.encoder.layer.${l}`;
    shapes.set(`${p}.layernorm_before.weight`, [h]);
    shapes.set(`${p}.layernorm_before.bias`, [h]);
    for (const proj of ["query", "key", "value"]) {
      shapes.set(`${p}.attention.attention.${proj}.weight`, [h, h]);
      shapes.set(`${p}.attention.attention.${proj}.bias`, [h]);
    }
    shapes.set(`${p}.attention.output.dense.weight`, [h, h]);
    shapes.set(`${p}.attention.output.dense.bias`, [h]);
    shapes.set(`${p}.layernorm_after.weight`, [h]);
    shapes.set(`${p}.layernorm_after.bias`, [h]);
    shapes.set(`${p}.intermediate.dense.weight`, [i, h]);
    shapes.set(`${p}.intermediate.dense.bias`, [i]);
    shapes.set(`${p}.output.dense.weight`, [h, i]);
    shapes.set(`${p}.output.dense.bias`, [h]);
  }
  shapes.set("vit.layernorm.weight", [h]);
  shapes.set("vit.layernorm.bias", [h]);
  return shapes;
}

/** Bytes of the encoder's float32 weights. */
export function vitMaeWeightBytes(arch: VitMaeArchitecture): number {
  let n = 0;
  for (const shape of vitMaeTensorShapes(arch).values()) n += shape.reduce((a, b) => a * b, 1);
  return n * 4;
}

/** [rows, cols] row-major → [cols, rows]. */
export function transpose2d(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let r = 0; r < rows; r++) {
    const from = r * cols;
    for (let c = 0; c < cols; c++) out[c * rows + r] = data[from + c];
  }
  return out;
}

/** Collects nodes and initializers with unique names. */
class GraphBuilder {
  readonly nodes: NodeProto[] = [];
  readonly initializers: TensorProto[] = [];
  private count = 0;

  constructor(private readonly sink: InitializerSink) {}

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
    this.initializers.push(this.sink(name, dims, data));
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
 * The ViTMAE encoder for `arch` with the weights of `weights` (see the module comment). Linear
 * weights are transposed from torch's [out, in] to MatMul's [in, out]; initializers keep the Hub's
 * tensor names.
 */
export function buildVitMaeModel(arch: VitMaeArchitecture, weights: VitMaeWeights, options: BuildVitMaeOptions = {}): ModelProto {
  const hidden = arch.hiddenSize;
  const heads = arch.numAttentionHeads;
  const mlp = arch.intermediateSize;
  const { image, patch } = { image: arch.imageSize, patch: arch.patchSize };
  const { patches } = patchGrid(arch);
  const masking = options.masking ?? "none";
  const keptWhenMasked = masking === "random" ? Math.trunc(patches * (1 - 0.75)) : patches;
  const headDim = hidden / heads;
  const shapes = vitMaeTensorShapes(arch);
  const g = new GraphBuilder(options.sink ?? floatTensor);
  const weight = (name: string): Float32Array => {
    const shape = shapes.get(name);
    if (!shape) throw new Error(`vitmae-graph: ${name} is not an encoder tensor`);
    const data = weights.tensor(name, shape);
    if (data.length !== shape.reduce((a, b) => a * b, 1)) throw new Error(`vitmae-graph: ${name} has ${data.length} values for [${shape.join(", ")}]`);
    return data;
  };
  const initializer = (name: string): string => g.floats(name, shapes.get(name)!, weight(name));

  // Embeddings: patch Conv, flatten(2).transpose(1, 2), + position embeddings[:, 1:].
  const convW = initializer("vit.embeddings.patch_embeddings.projection.weight");
  const convB = initializer("vit.embeddings.patch_embeddings.projection.bias");
  const clsToken = initializer("vit.embeddings.cls_token");
  const posEmb = initializer("vit.embeddings.position_embeddings");
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
  if (masking !== "none") {
    // ViTMAEEmbeddings.random_masking as a torch export keeps it.
    const noiseShape = g.one("Shape", [withPos], [attr.int("start", 0), attr.int("end", 2)]); // [batch, patches]
    const zerosLike = g.one("ConstantOfShape", [noiseShape], [attr.tensor("value", floatTensor("zero", [1], new Float32Array([0])))]);
    const noise = g.one("RandomUniformLike", [zerosLike], [attr.float("low", 0), attr.float("high", 1), attr.int("dtype", DataType.FLOAT)]);
    const seqLen = g.ints("num_patches", [1], [patches]);
    const [, idsShuffle] = g.node("TopK", [noise, seqLen], [attr.int("axis", 1), attr.int("largest", 0), attr.int("sorted", 1)], 2); // argsort(noise)
    const shuffleAsFloat = g.one("Cast", [idsShuffle], [attr.int("to", DataType.FLOAT)]);
    const [, idsRestore] = g.node("TopK", [shuffleAsFloat, seqLen], [attr.int("axis", 1), attr.int("largest", 0), attr.int("sorted", 1)], 2);
    g.one("Identity", [idsRestore], [], "ids_restore");
    const lenKeep = g.ints("len_keep", [1], [keptWhenMasked]);
    const idsKeep = g.one("Slice", [idsShuffle, g.ints("keep_start", [1], [0]), lenKeep, axis1]);
    const index = g.one("Unsqueeze", [idsKeep, g.ints("axes_2", [1], [2])]); // [batch, len_keep, 1]
    const indexShape = g.one("Concat", [batch, g.ints("keep_index_shape", [2], [keptWhenMasked, hidden])], [attr.int("axis", 0)]);
    const indexFull = g.one("Expand", [index, indexShape]); // ids_keep.unsqueeze(-1).repeat(1, 1, dim)
    kept = g.one("GatherElements", [withPos, indexFull], [attr.int("axis", 1)]);
    // mask = ones; mask[:, :len_keep] = 0; mask = gather(mask, 1, ids_restore)
    const keptShape = g.one("Concat", [batch, g.ints("mask_kept_len", [1], [keptWhenMasked])], [attr.int("axis", 0)]);
    const removedShape =
      keptWhenMasked < patches ? g.one("Concat", [batch, g.ints("mask_removed_len", [1], [patches - keptWhenMasked])], [attr.int("axis", 0)]) : undefined;
    const maskKept = g.one("ConstantOfShape", [keptShape], [attr.tensor("value", floatTensor("mask_zero", [1], new Float32Array([0])))]);
    let maskSorted = maskKept;
    if (removedShape) {
      const maskRemoved = g.one("ConstantOfShape", [removedShape], [attr.tensor("value", floatTensor("mask_one", [1], new Float32Array([1])))]);
      maskSorted = g.one("Concat", [maskKept, maskRemoved], [attr.int("axis", 1)]);
    }
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
    g.one("LayerNormalization", [input, initializer(`${prefix}.weight`), initializer(`${prefix}.bias`)], [
      attr.int("axis", -1),
      attr.float("epsilon", arch.layerNormEps),
    ]);
  const linear = (input: string, prefix: string, inDim: number, outDim: number): string => {
    const w = g.floats(`${prefix}.weight`, [inDim, outDim], transpose2d(weight(`${prefix}.weight`), outDim, inDim));
    const b = initializer(`${prefix}.bias`);
    return g.one("Add", [g.one("MatMul", [input, w]), b]);
  };

  for (let l = 0; l < arch.numHiddenLayers; l++) {
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

  const seq = masking !== "none" ? "sequence_length" : expectedTokens(arch);
  return {
    ir_version: 8,
    opset_import: [{ domain: "", version: 17 }],
    producer_name: "vitrine",
    producer_version: options.producerVersion ?? "vitmae-graph",
    doc_string: options.docString ?? "ViTMAE encoder",
    graph: {
      name: options.name ?? "vit-mae",
      node: g.nodes,
      initializer: g.initializers,
      input: [tensorValueInfo("pixel_values", DataType.FLOAT, ["batch_size", arch.numChannels, image, image])],
      output: [
        tensorValueInfo("last_hidden_state", DataType.FLOAT, ["batch_size", seq, hidden]),
        ...extraOutputs.map((name) => tensorValueInfo(name, name === "mask" ? DataType.FLOAT : DataType.INT64, ["batch_size", patches])),
      ],
    },
  };
}

/** TensorProto.DataLocation.EXTERNAL. */
const EXTERNAL = 1;

/**
 * Writes initializers to an ONNX external data file as they come (`sink`), and returns TensorProtos
 * that point at them; `location` is the data file's name relative to the .onnx file.
 */
export class ExternalDataWriter {
  private readonly fd: number;
  private offset = 0;

  constructor(
    dataPath: string,
    private readonly location: string,
  ) {
    this.fd = openSync(dataPath, "w");
  }

  /** Bytes written so far. */
  get bytes(): number {
    return this.offset;
  }

  /** Appends one tensor's bytes to the data file and returns its TensorProto, which points at them. */
  readonly sink: InitializerSink = (name, dims, data) => {
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    let done = 0;
    while (done < bytes.length) done += writeSync(this.fd, bytes, done, bytes.length - done, this.offset + done);
    const t: TensorProto = {
      name,
      dims: [...dims],
      data_type: DataType.FLOAT,
      data_location: EXTERNAL,
      external_data: [
        { key: "location", value: this.location },
        { key: "offset", value: String(this.offset) },
        { key: "length", value: String(bytes.length) },
      ],
    };
    this.offset += bytes.length;
    return t;
  };

  /** Closes the data file. */
  close(): void {
    closeSync(this.fd);
  }
}

/** The model as one ONNX file with inline weights (under protobuf's 2 GB limit; larger ones need ExternalDataWriter). */
export function encodeVitMae(arch: VitMaeArchitecture, weights: VitMaeWeights, options: Omit<BuildVitMaeOptions, "sink"> = {}): Uint8Array {
  return encodeModel(buildVitMaeModel(arch, weights, options));
}
