/**
 * `vitrine model fetch --quantize int8`: a dynamically quantized copy of an ONNX encoder. Every
 * MatMul whose second input is a constant float matrix [K, N] (the q/k/v, attention output and MLP
 * projections of a ViTMAE layer) becomes one ONNX Runtime contrib node
 * `com.microsoft.DynamicQuantizeMatMul(A, B_int8, b_scale, -, bias)`:
 *
 * - the weights are stored as int8, symmetric (zero point 0), one scale per output column
 *   (scale_n = max_k |W[k, n]| / 127), so a column with small weights keeps its precision;
 * - the activations are quantized to uint8 at run time, per tensor, by the kernel itself (dynamic
 *   quantization: no calibration data);
 * - a following `Add` of a constant [N] bias is folded into the node's bias input.
 *
 * Why this form: it is what ONNX Runtime's own graph optimizer turns the standard
 * DynamicQuantizeLinear + MatMulInteger + Cast + Mul chain into (DynamicQuantizeMatMulFusion), so
 * writing it directly gives the same kernel (MLAS's u8s8 integer GEMM, with VNNI where the CPU has
 * it) without depending on the fusion firing, one node per projection instead of four or five, and
 * the bias added inside the kernel instead of by a separate Add over the whole activation.
 *
 * What stays float: MatMuls of two activations (attention scores and context), the patch Conv,
 * LayerNorm, Softmax and GELU. The graph's inputs and outputs are unchanged.
 */
import {
  DataType,
  decodeModel,
  encodeModel,
  toNumber,
  type GraphProto,
  type NodeProto,
  type TensorProto,
} from "./onnx-proto.ts";

const CONTRIB_DOMAIN = "com.microsoft";

/** The model has nothing this quantizer can make int8 (no MatMul with a constant weight matrix). */
export class NothingToQuantizeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** The values of a float32 tensor (raw_data or float_data), copied. */
function floatValues(t: TensorProto): Float32Array {
  const raw = t.raw_data;
  if (raw && raw.length > 0) {
    const copy = new Uint8Array(raw); // decoded bytes are views into the whole file, maybe unaligned
    return new Float32Array(copy.buffer, 0, copy.length / 4);
  }
  return Float32Array.from(t.float_data ?? []);
}

/** Symmetric per-column int8 of a row-major [k, n] matrix: q = round(w / scale_n), scale_n = max|w[:, n]| / 127. */
export function quantizeColumnsInt8(w: Float32Array, k: number, n: number): { q: Int8Array; scales: Float32Array } {
  const scales = new Float32Array(n);
  for (let r = 0; r < k; r++) {
    const row = r * n;
    for (let c = 0; c < n; c++) {
      const a = Math.abs(w[row + c]);
      if (a > scales[c]) scales[c] = a;
    }
  }
  for (let c = 0; c < n; c++) scales[c] = scales[c] > 0 ? scales[c] / 127 : 1; // an all-zero column: any scale
  const q = new Int8Array(k * n);
  for (let r = 0; r < k; r++) {
    const row = r * n;
    for (let c = 0; c < n; c++) q[row + c] = Math.max(-127, Math.min(127, Math.round(w[row + c] / scales[c])));
  }
  return { q, scales };
}

function tensorOf(name: string, dims: number[], dataType: number, data: ArrayBufferView): TensorProto {
  return { name, dims, data_type: dataType, raw_data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}

/** How many nodes read each value (graph outputs count as readers too). */
function readers(graph: GraphProto): Map<string, number> {
  const count = new Map<string, number>();
  for (const node of graph.node ?? []) for (const input of node.input ?? []) if (input) count.set(input, (count.get(input) ?? 0) + 1);
  for (const out of graph.output ?? []) if (out.name) count.set(out.name, (count.get(out.name) ?? 0) + 1);
  return count;
}

/**
 * A dynamically quantized copy of `model` (see the module comment) and what was done, one line per
 * step. Throws NothingToQuantizeError when the graph has no MatMul with a constant float weight.
 */
export async function quantizeDynamicInt8(model: Uint8Array): Promise<{ bytes: Uint8Array; report: string[] }> {
  const proto = decodeModel(model);
  const graph = proto.graph;
  if (!graph) throw new NothingToQuantizeError("The file has no graph.");
  const nodes = graph.node ?? [];
  const initializers = new Map((graph.initializer ?? []).map((t) => [t.name ?? "", t]));
  const graphInputs = new Set((graph.input ?? []).map((i) => i.name));
  const readCount = readers(graph);
  const byInput = new Map<string, NodeProto[]>();
  for (const node of nodes) for (const input of node.input ?? []) byInput.set(input, [...(byInput.get(input) ?? []), node]);

  /** A constant (an initializer that is not also a graph input, which a caller could override). */
  const constant = (name: string | undefined): TensorProto | undefined =>
    name !== undefined && !graphInputs.has(name) ? initializers.get(name) : undefined;

  const removed = new Set<NodeProto>();
  const replacement = new Map<NodeProto, NodeProto>();
  const added: TensorProto[] = [];
  let floatBytes = 0;
  let int8Bytes = 0;
  let folded = 0;
  let quantized = 0;
  let worstError = 0;

  for (const node of nodes) {
    if (node.op_type !== "MatMul" || (node.domain ?? "") !== "") continue;
    const [a, b] = node.input ?? [];
    const weight = constant(b);
    const dims = (weight?.dims ?? []).map(toNumber);
    if (!weight || weight.data_type !== DataType.FLOAT || dims.length !== 2) continue;
    const [k, n] = dims;
    const w = floatValues(weight);
    const { q, scales } = quantizeColumnsInt8(w, k, n);
    for (let i = 0; i < w.length; i++) worstError = Math.max(worstError, Math.abs(w[i] - q[i] * scales[i % n]) / (scales[i % n] * 127));

    const base = `${b}_int8`;
    added.push(tensorOf(base, [k, n], DataType.INT8, q), tensorOf(`${base}_scale`, [n], DataType.FLOAT, scales));
    floatBytes += w.length * 4;
    int8Bytes += q.length + scales.length * 4;

    // Fold `MatMul → Add(constant [N])` when the Add is the MatMul's only reader.
    const out = node.output?.[0] ?? "";
    const next = byInput.get(out) ?? [];
    let bias: string | undefined;
    let output = out;
    let name = node.name;
    if (next.length === 1 && readCount.get(out) === 1 && next[0].op_type === "Add" && (next[0].domain ?? "") === "") {
      const add = next[0];
      const other = add.input?.[0] === out ? add.input?.[1] : add.input?.[0];
      const biasTensor = constant(other);
      const biasDims = (biasTensor?.dims ?? []).map(toNumber);
      if (biasTensor && biasTensor.data_type === DataType.FLOAT && biasDims.length === 1 && biasDims[0] === n) {
        bias = other;
        output = add.output?.[0] ?? out;
        name = add.name ?? name;
        removed.add(add);
        folded++;
      }
    }
    replacement.set(node, {
      name: `${name ?? out}_int8`,
      op_type: "DynamicQuantizeMatMul",
      domain: CONTRIB_DOMAIN,
      // no zero point (the optional 4th input left empty): symmetric weights, the kernel assumes 0
      input: [a, base, `${base}_scale`, ...(bias ? ["", bias] : [])],
      output: [output],
      attribute: [],
    });
    quantized++;
  }
  if (quantized === 0) throw new NothingToQuantizeError("The model has no MatMul with a constant float weight matrix: nothing to quantize.");

  graph.node = nodes.filter((node) => !removed.has(node)).map((node) => replacement.get(node) ?? node);
  // Drop the float weights (and anything else) that no node reads any more.
  const used = readers(graph);
  const before = graph.initializer?.length ?? 0;
  graph.initializer = [...(graph.initializer ?? []).filter((t) => used.has(t.name ?? "") || graphInputs.has(t.name)), ...added];
  const dropped = before - (graph.initializer.length - added.length);
  // Shape hints of values that disappeared with the folded Adds are stale: keep only the live ones.
  const produced = new Set(graph.node.flatMap((node) => node.output ?? []));
  graph.value_info = (graph.value_info ?? []).filter((v) => produced.has(v.name ?? ""));
  const opsets = proto.opset_import ?? [];
  if (!opsets.some((o) => o.domain === CONTRIB_DOMAIN)) proto.opset_import = [...opsets, { domain: CONTRIB_DOMAIN, version: 1 }];

  const mb = (bytes: number): string => (bytes / 1e6).toFixed(1);
  const report = [
    `${quantized} MatMul${quantized === 1 ? "" : "s"} with constant weights → com.microsoft.DynamicQuantizeMatMul (int8 weights, symmetric, one scale per output column; activations quantized at run time)`,
    `${folded} bias Add${folded === 1 ? "" : "s"} folded into the quantized nodes`,
    `weights ${mb(floatBytes)} MB float32 → ${mb(int8Bytes)} MB int8 + scales; ${dropped} float initializer${dropped === 1 ? "" : "s"} removed`,
    `largest weight rounding error: ${(worstError * 100).toFixed(2)} % of its column's largest |weight| (at most 0.39 % by construction)`,
  ];
  return { bytes: encodeModel(proto), report };
}
