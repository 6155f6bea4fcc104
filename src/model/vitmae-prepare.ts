/**
 * `vitrine model prepare`: turns a ViTMAE ONNX export that kept the random masking of
 * ViTMAEEmbeddings.random_masking into one that does not: output [batch, 1 + patches, hidden]
 * (197 tokens for 224-pixel images and 16-pixel patches), identical on every run.
 *
 * Run it after **any** torch/Optimum export of a ViTMAE model: transformers' random_masking runs even
 * with `mask_ratio=0.0`. With mask_ratio 0.75 (the config's default) the export keeps 49 of 196
 * patches (50 tokens); with 0.0 it keeps all 196, but in a random order on every run (argsort of
 * fresh noise), so the tokens come out shuffled and the export is still not deterministic. Both are
 * handled the same way: the kept-patch gather is bypassed. (`vitrine model fetch` with no `--url`
 * builds the encoder from the Hub's weights and needs none of this.)
 *
 * The masking subgraph is found by its structure, not by a number: a random op (RandomUniform[Like],
 * RandomNormal[Like], ...) whose output is sorted by a TopK (the export of `argsort(noise)`); the
 * TopK's indices go through a Slice (`ids_keep = ids_shuffle[:, :len_keep]`) and index-shaping ops
 * (Unsqueeze, Expand, Tile, Reshape, Cast) into the indices input of a Gather/GatherElements/GatherND
 * that selects the kept patch tokens. That gather is bypassed: its consumers read its data input,
 * i.e. all patch tokens in their natural order, which is what the ViTMAE encoder computes without masking.
 *
 * The extra outputs `mask` and `ids_restore` are kept (same names, types and shapes) and made valid
 * for "nothing masked": `mask` is all zeros (0 = kept, as in ViTMAE) and `ids_restore` is the
 * identity permutation 0..N-1; they are computed from the token tensor's shape, so the batch stays
 * dynamic. Everything that only fed the old ones (the random op, both TopKs, the Slice, the mask
 * construction with its len_keep constants) is removed, as are initializers nothing reads any more
 * and all value_info shape hints (optional, and some described the 49-token tensors).
 */
import {
  DataType,
  attr,
  decodeModel,
  encodeModel,
  floatTensor,
  int64Tensor,
  intTensorValues,
  toNumber,
  type GraphProto,
  type NodeProto,
  type TensorProto,
} from "./onnx-proto.ts";
import { DEFAULT_VITMAE_GEOMETRY, checkVitMae, type VitMaeGeometry } from "./vitmae-check.ts";
import { expectedTokens } from "./model-manifest.ts";

/** The model has no random-masking subgraph that prepare knows how to remove. */
export class MaskingNotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** The model has no random op and already returns 197 tokens, identical run after run: nothing to do. */
export class ModelAlreadyCleanError extends MaskingNotFoundError {}

/** The rewrite ran but the result is not a usable encoder (not 197 tokens, or still random). */
export class PrepareCheckError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PrepareCheckError";
  }
}

/** A rewritten model and what was done to it, one line per step. */
export interface PreparedModel {
  readonly bytes: Uint8Array;
  readonly report: string[];
}

const RANDOM_OPS = new Set(["RandomUniform", "RandomUniformLike", "RandomNormal", "RandomNormalLike", "Bernoulli", "Multinomial"]);
/** Ops that carry the shuffled indices from the Slice to the gather without changing what they select. */
const INDEX_OPS = new Set(["Slice", "Unsqueeze", "Squeeze", "Expand", "Tile", "Reshape", "Cast", "Identity", "Flatten"]);
const GATHER_OPS = new Set(["Gather", "GatherElements", "GatherND"]);
const PREFIX = "vitrine_prepare";

const isOnnxDomain = (n: NodeProto): boolean => !n.domain || n.domain === "ai.onnx";
const label = (n: NodeProto): string => `${n.op_type} "${n.name || n.output?.[0] || "?"}"`;

/** Producer and consumers of every tensor name, rebuilt after each change. */
class GraphIndex {
  readonly producer = new Map<string, NodeProto>();
  readonly consumers = new Map<string, { node: NodeProto; slot: number }[]>();

  constructor(readonly graph: GraphProto) {
    for (const node of graph.node ?? []) {
      for (const out of node.output ?? []) if (out) this.producer.set(out, node);
      (node.input ?? []).forEach((name, slot) => {
        if (!name) return;
        const list = this.consumers.get(name) ?? [];
        list.push({ node, slot });
        this.consumers.set(name, list);
      });
    }
  }

  /** Integer values of a constant tensor (initializer or Constant node), undefined if not constant. */
  constInts(name: string): number[] | undefined {
    const init = (this.graph.initializer ?? []).find((t) => t.name === name);
    const node = this.producer.get(name);
    const t: TensorProto | undefined = init ?? (node?.op_type === "Constant" ? node.attribute?.find((a) => a.name === "value")?.t : undefined);
    if (!t) return undefined;
    try {
      return intTensorValues(t);
    } catch {
      return undefined;
    }
  }

  /** Every tensor computed (directly or not) from `start`. */
  downstream(start: readonly string[]): Set<string> {
    const seen = new Set<string>(start);
    const queue = [...start];
    while (queue.length > 0) {
      const name = queue.shift()!;
      for (const { node } of this.consumers.get(name) ?? []) {
        for (const out of node.output ?? []) {
          if (out && !seen.has(out)) {
            seen.add(out);
            queue.push(out);
          }
        }
      }
    }
    return seen;
  }
}

interface MaskingChain {
  readonly random: NodeProto;
  readonly sort: NodeProto;
  readonly slice: NodeProto;
  readonly gather: NodeProto;
}

/** The TopK nodes that sort values computed from the random op (argsort(noise)); not followed past a TopK. */
function sortsOf(index: GraphIndex, random: NodeProto): NodeProto[] {
  const sorts: NodeProto[] = [];
  const seen = new Set<string>();
  const queue = (random.output ?? []).filter(Boolean);
  while (queue.length > 0) {
    const name = queue.shift()!;
    if (seen.has(name)) continue;
    seen.add(name);
    for (const { node, slot } of index.consumers.get(name) ?? []) {
      if (node.op_type === "TopK") {
        if (slot === 0 && !sorts.includes(node)) sorts.push(node);
        continue;
      }
      queue.push(...(node.output ?? []).filter(Boolean));
    }
  }
  return sorts;
}

/** Gathers whose indices input is the sorted indices, through a Slice and index-shaping ops. */
function keptGathersOf(index: GraphIndex, sort: NodeProto): { slice: NodeProto; gather: NodeProto }[] {
  const found: { slice: NodeProto; gather: NodeProto }[] = [];
  const start = sort.output?.[1];
  if (!start) return found;
  const queue: { name: string; slice: NodeProto | undefined }[] = [{ name: start, slice: undefined }];
  const seen = new Set<string>();
  while (queue.length > 0) {
    const { name, slice } = queue.shift()!;
    if (seen.has(name)) continue;
    seen.add(name);
    for (const { node, slot } of index.consumers.get(name) ?? []) {
      if (GATHER_OPS.has(node.op_type ?? "") && slot === 1) {
        if (slice) found.push({ slice, gather: node });
        continue;
      }
      // Only the data input of an index-shaping op carries the indices (not a shape or an axis).
      if (INDEX_OPS.has(node.op_type ?? "") && slot === 0) {
        const out = node.output?.[0];
        if (out) queue.push({ name: out, slice: slice ?? (node.op_type === "Slice" ? node : undefined) });
      }
    }
  }
  return found;
}

function findMaskingChains(index: GraphIndex, randoms: readonly NodeProto[]): MaskingChain[] {
  const chains: MaskingChain[] = [];
  for (const random of randoms) {
    for (const sort of sortsOf(index, random)) {
      for (const { slice, gather } of keptGathersOf(index, sort)) chains.push({ random, sort, slice, gather });
    }
  }
  return chains;
}

function renameTensor(graph: GraphProto, from: string, to: string): void {
  for (const node of graph.node ?? []) {
    node.input = (node.input ?? []).map((n) => (n === from ? to : n));
    node.output = (node.output ?? []).map((n) => (n === from ? to : n));
  }
}

/** Removes nodes whose outputs nothing needs, then initializers and graph inputs nothing reads. */
function removeDeadCode(graph: GraphProto): { nodes: NodeProto[]; initializers: number } {
  const nodes = graph.node ?? [];
  const live = new Set((graph.output ?? []).map((o) => o.name ?? ""));
  const keep = new Array<boolean>(nodes.length).fill(false);
  for (let i = nodes.length - 1; i >= 0; i--) {
    if ((nodes[i].output ?? []).some((o) => live.has(o))) {
      keep[i] = true;
      for (const name of nodes[i].input ?? []) if (name) live.add(name);
    }
  }
  const removed = nodes.filter((_, i) => !keep[i]);
  graph.node = nodes.filter((_, i) => keep[i]);
  // Subgraphs (If/Loop bodies) may read outer names: keep every initializer then.
  const hasSubgraphs = graph.node.some((n) => (n.attribute ?? []).some((a) => a.g || (a as { graphs?: unknown[] }).graphs?.length));
  let initializers = 0;
  if (!hasSubgraphs) {
    const before = graph.initializer?.length ?? 0;
    graph.initializer = (graph.initializer ?? []).filter((t) => live.has(t.name ?? ""));
    initializers = before - graph.initializer.length;
    const initNames = new Set(graph.initializer.map((t) => t.name));
    graph.input = (graph.input ?? []).filter((v) => live.has(v.name ?? "") || initNames.has(v.name));
  }
  return { nodes: removed, initializers };
}

function countOps(nodes: readonly NodeProto[]): string {
  const counts = new Map<string, number>();
  for (const n of nodes) counts.set(n.op_type ?? "?", (counts.get(n.op_type ?? "?") ?? 0) + 1);
  return [...counts].map(([op, c]) => (c > 1 ? `${op}×${c}` : op)).join(", ");
}

/**
 * The export's geometry: image side and channels from the fixed dims of `pixel_values`, patch side
 * from the kernel of the Conv that reads it; the default (224, 16, RGB) for what is not fixed.
 */
export function geometryOf(graph: GraphProto): VitMaeGeometry & { readonly patches: number; readonly tokens: number } {
  const dims = graph.input?.find((i) => i.name === "pixel_values")?.type?.tensor_type?.shape?.dim ?? [];
  const fixed = (i: number): number | undefined => {
    const d = dims[i];
    return d && Object.prototype.hasOwnProperty.call(d, "dim_value") && toNumber(d.dim_value) > 0 ? toNumber(d.dim_value) : undefined;
  };
  const conv = (graph.node ?? []).find((n) => n.op_type === "Conv" && n.input?.[0] === "pixel_values");
  const kernel = conv?.attribute?.find((a) => a.name === "kernel_shape")?.ints?.map(toNumber);
  const imageSize = fixed(3) ?? fixed(2) ?? DEFAULT_VITMAE_GEOMETRY.imageSize;
  const patchSize = kernel?.[0] ?? DEFAULT_VITMAE_GEOMETRY.patchSize;
  const g = { imageSize, patchSize, numChannels: fixed(1) ?? 3 };
  return { ...g, patches: (imageSize / patchSize) ** 2, tokens: expectedTokens(g) };
}

/**
 * The structural rewrite alone, without running the result (see prepareVitMae). Throws
 * MaskingNotFoundError when the graph has no random op, or one that does not select kept patches
 * through TopK → Slice → Gather.
 */
export function removeMasking(bytes: Uint8Array): PreparedModel {
  const model = decodeModel(bytes);
  const graph = model.graph;
  if (!graph || !(graph.node ?? []).length) throw new MaskingNotFoundError("The file has no ONNX graph.");
  const report: string[] = [];
  const geometry = geometryOf(graph);
  let index = new GraphIndex(graph);
  const randoms = (graph.node ?? []).filter((n) => RANDOM_OPS.has(n.op_type ?? "") && isOnnxDomain(n));
  if (randoms.length === 0) throw new MaskingNotFoundError("No masking subgraph: the graph has no random op (RandomUniform, RandomUniformLike, RandomNormal, ...).");
  const chains = findMaskingChains(index, randoms);
  if (chains.length === 0) {
    throw new MaskingNotFoundError(
      `The graph has ${randoms.map(label).join(", ")} but no random masking subgraph: nothing sorts its output (TopK) and selects tokens ` +
        `through a Slice of the sorted indices (Gather/GatherElements). This export is not supported by prepare.`,
    );
  }

  const rewired = new Set<string>();
  for (const { random, sort, slice, gather } of chains) {
    const gathered = gather.output?.[0];
    const tokens = gather.input?.[0];
    if (!gathered || !tokens) continue;
    if (rewired.has(gathered)) continue;
    const lenKeep = index.constInts(slice.input?.[2] ?? "");
    report.push(
      `masking found: ${label(random)} → ${label(sort)} (argsort of the noise) → ${label(slice)} (ids_keep = first ${lenKeep ? lenKeep.join(",") : "len_keep"}) → ${label(gather)} (kept patch tokens)`,
    );
    if (lenKeep?.length === 1 && lenKeep[0] === geometry.patches) {
      report.push(`it keeps all ${geometry.patches} patches, shuffled on every run: an export with mask_ratio=0.0 (which still runs random_masking)`);
    }
    if (index.downstream((randoms.flatMap((r) => r.output ?? []))).has(tokens)) {
      throw new MaskingNotFoundError(`${label(gather)} gathers from "${tokens}", which itself depends on the random op: not the token selection prepare knows.`);
    }
    for (const node of graph.node ?? []) node.input = (node.input ?? []).map((n) => (n === gathered ? tokens : n));
    if ((graph.output ?? []).some((o) => o.name === gathered)) {
      graph.node!.push({ name: `/${PREFIX}/keep_all`, op_type: "Identity", input: [tokens], output: [gathered] });
    }
    rewired.add(gathered);
    report.push(`${label(gather)} bypassed: its consumers read "${tokens}", all patch tokens in their natural order`);
    index = new GraphIndex(graph);
  }

  // Outputs still computed from the random op: last_hidden_state must not be one; mask and
  // ids_restore are replaced by their "nothing masked" values.
  const tainted = index.downstream(randoms.flatMap((r) => r.output ?? []).filter(Boolean));
  if (tainted.has("last_hidden_state")) {
    throw new MaskingNotFoundError(`After bypassing the kept-patch gather, "last_hidden_state" still depends on the random op: unsupported export structure.`);
  }
  const taintedOutputs = (graph.output ?? []).filter((o) => tainted.has(o.name ?? ""));
  if (taintedOutputs.length > 0) {
    const tokens = chains[0].gather.input![0];
    const nodes: NodeProto[] = [];
    const n = (op: string, inputs: string[], output: string, attributes = [] as NodeProto["attribute"]): string => {
      nodes.push({ name: `/${PREFIX}/${output}`, op_type: op, input: inputs, output: [output], attribute: attributes ?? [] });
      return output;
    };
    const inits: TensorProto[] = [
      int64Tensor(`${PREFIX}/zero`, [], [0]),
      int64Tensor(`${PREFIX}/one`, [], [1]),
      int64Tensor(`${PREFIX}/starts`, [1], [0]),
      int64Tensor(`${PREFIX}/ends`, [1], [2]),
    ];
    graph.initializer = [...(graph.initializer ?? []), ...inits];
    const fullShape = n("Shape", [tokens], `${PREFIX}/token_shape`);
    const shape = n("Slice", [fullShape, `${PREFIX}/starts`, `${PREFIX}/ends`, `${PREFIX}/starts`], `${PREFIX}/batch_patches`); // [batch, N]
    let identity: string | undefined;
    for (const out of taintedOutputs) {
      const name = out.name!;
      const elem = out.type?.tensor_type?.elem_type;
      renameTensor(graph, name, `${name}/${PREFIX}_masked`);
      if (elem === DataType.INT64 || elem === DataType.INT32) {
        identity ??= n("Expand", [n("Range", [`${PREFIX}/zero`, n("Gather", [shape, `${PREFIX}/one`], `${PREFIX}/num_patches`, [attr.int("axis", 0)]), `${PREFIX}/one`], `${PREFIX}/range`), shape], `${PREFIX}/identity_order`);
        n(elem === DataType.INT64 ? "Identity" : "Cast", [identity], name, elem === DataType.INT64 ? [] : [attr.int("to", DataType.INT32)]);
        report.push(`output "${name}": now the identity permutation 0..N-1 for each image (no patch is shuffled)`);
      } else if (elem === DataType.FLOAT) {
        n("ConstantOfShape", [shape], name, [attr.tensor("value", floatTensor(`${PREFIX}/mask_value`, [1], new Float32Array([0])))]);
        report.push(`output "${name}": now all zeros [batch, N] (0 = kept: no patch is masked)`);
      } else {
        graph.output = (graph.output ?? []).filter((o) => o !== out);
        report.push(`output "${name}": dropped (it only described the random masking)`);
      }
    }
    // Insert after the node that produces the tokens, so the graph stays topologically sorted.
    const all = graph.node ?? [];
    const at = all.findIndex((node) => (node.output ?? []).includes(tokens));
    all.splice(at + 1, 0, ...nodes);
  }

  const { nodes: removed, initializers } = removeDeadCode(graph);
  report.push(`removed ${removed.length} nodes no output needs any more (${countOps(removed)}) and ${initializers} unused initializers`);
  const left = (graph.node ?? []).filter((nd) => RANDOM_OPS.has(nd.op_type ?? ""));
  if (left.length > 0) throw new MaskingNotFoundError(`Random ops remain after the rewrite: ${left.map(label).join(", ")}.`);
  const hints = graph.value_info?.length ?? 0;
  if (hints > 0) {
    graph.value_info = [];
    report.push(`dropped ${hints} value_info shape hints (optional; onnxruntime infers shapes)`);
  }
  const seqDim = graph.output?.find((o) => o.name === "last_hidden_state")?.type?.tensor_type?.shape?.dim?.[1];
  if (seqDim && Object.prototype.hasOwnProperty.call(seqDim, "dim_value") && toNumber(seqDim.dim_value) !== geometry.tokens) {
    seqDim.dim_value = geometry.tokens;
    report.push(`declared shape of "last_hidden_state": token dimension set to ${geometry.tokens}`);
  }
  return { bytes: encodeModel(model), report };
}

/**
 * Removes the random masking from a ViTMAE export (see the module comment), then checks the result
 * with onnxruntime on a fixed input: `last_hidden_state` must have 1 + patches tokens (197 for
 * 224-pixel images and 16-pixel patches, read from the graph's input and patch Conv) and two runs must be
 * identical. Throws ModelAlreadyCleanError when the model has no random op and already passes that
 * check, MaskingNotFoundError when no masking subgraph is found, PrepareCheckError when the result
 * does not pass.
 */
export async function prepareVitMae(bytes: Uint8Array): Promise<PreparedModel> {
  const geometry = geometryOf(decodeModel(bytes).graph ?? {});
  let prepared: PreparedModel;
  try {
    prepared = removeMasking(bytes);
  } catch (e) {
    if (!(e instanceof MaskingNotFoundError)) throw e;
    const check = await checkVitMae(bytes, geometry).catch(() => undefined);
    if (check?.ok) {
      throw new ModelAlreadyCleanError(
        `The model is already clean: no random masking in the graph, and "last_hidden_state" has ${check.tokens} tokens, identical run after run. Use it as it is.`,
      );
    }
    const seen = check ? ` (it returns ${check.tokens} tokens${check.deterministic ? "" : ", different on every run"})` : "";
    throw new MaskingNotFoundError(`${e.message}${seen}`);
  }
  const check = await checkVitMae(prepared.bytes, geometry);
  if (check.tokens !== geometry.tokens) {
    throw new PrepareCheckError(`After removing the masking the model returns ${check.tokens} tokens, not ${geometry.tokens}; the export has another token selection prepare does not know.`);
  }
  if (!check.deterministic) throw new PrepareCheckError("After removing the masking the model still gives different outputs on two runs of the same input.");
  prepared.report.push(`check: "last_hidden_state" [1, ${check.tokens}, ${check.hidden}] on a fixed input, identical on two runs`);
  return prepared;
}
