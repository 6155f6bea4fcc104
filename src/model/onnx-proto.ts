/**
 * The part of onnx.proto (github.com/onnx/onnx, onnx/onnx.proto) that vitrine reads and writes:
 * models, graphs, nodes, attributes, tensors and value infos, with the upstream field numbers, so
 * protobufjs encodes and decodes real ONNX files. Fields left out of the subset (training info,
 * functions, sparse tensors, ...) are kept as unknown fields when a file is decoded and written back
 * unchanged when it is encoded again (protobufjs 8 keeps `$unknowns`).
 *
 * Names keep their snake_case spelling from onnx.proto (`op_type`, `raw_data`, ...). 64-bit integers
 * may be numbers (what we write) or Long objects (what protobufjs decodes): read them with `toNumber`.
 */
import protobuf from "protobufjs";

const ONNX_PROTO_SUBSET = `
syntax = "proto2";
package onnx;

message AttributeProto {
  enum AttributeType {
    UNDEFINED = 0; FLOAT = 1; INT = 2; STRING = 3; TENSOR = 4; GRAPH = 5; SPARSE_TENSOR = 11; TYPE_PROTO = 13;
    FLOATS = 6; INTS = 7; STRINGS = 8; TENSORS = 9; GRAPHS = 10; SPARSE_TENSORS = 12; TYPE_PROTOS = 14;
  }
  optional string name = 1;
  optional string ref_attr_name = 21;
  optional string doc_string = 13;
  optional AttributeType type = 20;
  optional float f = 2;
  optional int64 i = 3;
  optional bytes s = 4;
  optional TensorProto t = 5;
  optional GraphProto g = 6;
  repeated float floats = 7;
  repeated int64 ints = 8;
  repeated bytes strings = 9;
  repeated TensorProto tensors = 10;
  repeated GraphProto graphs = 11;
}

message ValueInfoProto {
  optional string name = 1;
  optional TypeProto type = 2;
  optional string doc_string = 3;
}

message NodeProto {
  repeated string input = 1;
  repeated string output = 2;
  optional string name = 3;
  optional string op_type = 4;
  optional string domain = 7;
  repeated AttributeProto attribute = 5;
  optional string doc_string = 6;
}

message StringStringEntryProto {
  optional string key = 1;
  optional string value = 2;
}

message ModelProto {
  optional int64 ir_version = 1;
  repeated OperatorSetIdProto opset_import = 8;
  optional string producer_name = 2;
  optional string producer_version = 3;
  optional string domain = 4;
  optional int64 model_version = 5;
  optional string doc_string = 6;
  optional GraphProto graph = 7;
  repeated StringStringEntryProto metadata_props = 14;
}

message GraphProto {
  repeated NodeProto node = 1;
  optional string name = 2;
  repeated TensorProto initializer = 5;
  optional string doc_string = 10;
  repeated ValueInfoProto input = 11;
  repeated ValueInfoProto output = 12;
  repeated ValueInfoProto value_info = 13;
}

message TensorProto {
  repeated int64 dims = 1;
  optional int32 data_type = 2;
  repeated float float_data = 4 [packed = true];
  repeated int32 int32_data = 5 [packed = true];
  repeated bytes string_data = 6;
  repeated int64 int64_data = 7 [packed = true];
  optional string name = 8;
  optional string doc_string = 12;
  optional bytes raw_data = 9;
  repeated StringStringEntryProto external_data = 13;
  optional int32 data_location = 14;
  repeated double double_data = 10 [packed = true];
  repeated uint64 uint64_data = 11 [packed = true];
}

message TensorShapeProto {
  message Dimension {
    oneof value {
      int64 dim_value = 1;
      string dim_param = 2;
    }
    optional string denotation = 3;
  }
  repeated Dimension dim = 1;
}

message TypeProto {
  message Tensor {
    optional int32 elem_type = 1;
    optional TensorShapeProto shape = 2;
  }
  oneof value {
    Tensor tensor_type = 1;
  }
  optional string denotation = 6;
}

message OperatorSetIdProto {
  optional string domain = 1;
  optional int64 version = 2;
}
`;

/** A 64-bit integer as protobufjs gives it: a number, or a Long-like object when decoded. */
export type Int64 = number | { toNumber(): number };

/** TensorProto.DataType values used by vitrine (upstream numbering). */
export const DataType = { FLOAT: 1, UINT8: 2, INT8: 3, INT32: 6, INT64: 7, BOOL: 9, FLOAT16: 10, DOUBLE: 11 } as const;

/** AttributeProto.AttributeType values (upstream numbering). */
export const AttributeType = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, GRAPH: 5, FLOATS: 6, INTS: 7, STRINGS: 8 } as const;

/** onnx.TensorProto (subset). */
export interface TensorProto {
  dims?: Int64[];
  data_type?: number;
  float_data?: number[];
  int32_data?: number[];
  int64_data?: Int64[];
  name?: string;
  doc_string?: string;
  raw_data?: Uint8Array;
  /** With data_location 1 (EXTERNAL): `location`, `offset`, `length` of the bytes in a file beside the model. */
  external_data?: { key?: string; value?: string }[];
  data_location?: number;
  double_data?: number[];
}

/** onnx.AttributeProto (subset). */
export interface AttributeProto {
  name?: string;
  type?: number;
  f?: number;
  i?: Int64;
  s?: Uint8Array;
  t?: TensorProto;
  g?: GraphProto;
  floats?: number[];
  ints?: Int64[];
  strings?: Uint8Array[];
}

/** onnx.NodeProto. */
export interface NodeProto {
  input?: string[];
  output?: string[];
  name?: string;
  op_type?: string;
  domain?: string;
  attribute?: AttributeProto[];
  doc_string?: string;
}

/** onnx.TensorShapeProto.Dimension: a fixed size or a named (dynamic) one. */
export interface DimensionProto {
  dim_value?: Int64;
  dim_param?: string;
  denotation?: string;
}

/** onnx.TypeProto with only the tensor case. */
export interface TypeProto {
  tensor_type?: { elem_type?: number; shape?: { dim?: DimensionProto[] } };
  denotation?: string;
}

/** onnx.ValueInfoProto. */
export interface ValueInfoProto {
  name?: string;
  type?: TypeProto;
  doc_string?: string;
}

/** onnx.GraphProto (subset). */
export interface GraphProto {
  node?: NodeProto[];
  name?: string;
  initializer?: TensorProto[];
  doc_string?: string;
  input?: ValueInfoProto[];
  output?: ValueInfoProto[];
  value_info?: ValueInfoProto[];
}

/** onnx.ModelProto (subset). */
export interface ModelProto {
  ir_version?: Int64;
  opset_import?: { domain?: string; version?: Int64 }[];
  producer_name?: string;
  producer_version?: string;
  domain?: string;
  model_version?: Int64;
  doc_string?: string;
  graph?: GraphProto;
  metadata_props?: { key?: string; value?: string }[];
}

let types: { model: protobuf.Type; graph: protobuf.Type; tensor: protobuf.Type } | undefined;

function protoTypes(): { model: protobuf.Type; graph: protobuf.Type; tensor: protobuf.Type } {
  if (!types) {
    const root = protobuf.parse(ONNX_PROTO_SUBSET, { keepCase: true }).root;
    types = { model: root.lookupType("onnx.ModelProto"), graph: root.lookupType("onnx.GraphProto"), tensor: root.lookupType("onnx.TensorProto") };
  }
  return types;
}

/** A shallow copy without one field that keeps the prototype and hidden `$unknowns` of a decoded message. */
function without<T extends object>(message: T, field: keyof T): T {
  const copy = Object.create(Object.getPrototypeOf(message)) as T;
  Object.defineProperties(copy, Object.getOwnPropertyDescriptors(message));
  delete copy[field];
  return copy;
}

function varintLength(n: number): number {
  let len = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 0x80);
    len++;
  }
  return len;
}

function writeVarint(buf: Uint8Array, pos: number, n: number): number {
  while (n >= 0x80) {
    buf[pos++] = (n % 0x80) | 0x80;
    n = Math.floor(n / 0x80);
  }
  buf[pos++] = n;
  return pos;
}

const TAG_GRAPH = (7 << 3) | 2; // ModelProto.graph
const TAG_INITIALIZER = (5 << 3) | 2; // GraphProto.initializer
const TAG_RAW_DATA = (9 << 3) | 2; // TensorProto.raw_data

/**
 * Serialises a model to the ONNX file format. Initializer bytes (raw_data) are copied once, straight
 * into the output buffer: a 340 MB model needs about its own size in extra memory, not several times
 * that (protobufjs's growing writer would copy it on every doubling).
 */
export function encodeModel(model: ModelProto): Uint8Array {
  const { model: modelType, graph: graphType, tensor: tensorType } = protoTypes();
  const graph = model.graph;
  if (!graph || !(graph.initializer ?? []).length) return modelType.encode(model as protobuf.Message).finish();
  const head = modelType.encode(without(model, "graph") as protobuf.Message).finish();
  const graphHead = graphType.encode(without(graph, "initializer") as protobuf.Message).finish();
  const tensors = (graph.initializer ?? []).map((t) => {
    const raw = t.raw_data && t.raw_data.length > 0 ? t.raw_data : undefined;
    const tensorHead = tensorType.encode((raw ? without(t, "raw_data") : t) as protobuf.Message).finish();
    const length = tensorHead.length + (raw ? 1 + varintLength(raw.length) + raw.length : 0);
    return { tensorHead, raw, length };
  });
  const graphLength = graphHead.length + tensors.reduce((sum, t) => sum + 1 + varintLength(t.length) + t.length, 0);
  const out = new Uint8Array(head.length + 1 + varintLength(graphLength) + graphLength);
  out.set(head, 0);
  let pos = head.length;
  out[pos++] = TAG_GRAPH;
  pos = writeVarint(out, pos, graphLength);
  out.set(graphHead, pos);
  pos += graphHead.length;
  for (const { tensorHead, raw, length } of tensors) {
    out[pos++] = TAG_INITIALIZER;
    pos = writeVarint(out, pos, length);
    out.set(tensorHead, pos);
    pos += tensorHead.length;
    if (raw) {
      out[pos++] = TAG_RAW_DATA;
      pos = writeVarint(out, pos, raw.length);
      out.set(raw, pos);
      pos += raw.length;
    }
  }
  if (pos !== out.length) throw new Error(`encodeModel: wrote ${pos} bytes, expected ${out.length}`);
  return out;
}

/**
 * Parses an ONNX file. Repeated fields that are absent read as empty arrays; fields outside the
 * subset are kept and written back by `encodeModel`.
 */
export function decodeModel(bytes: Uint8Array): ModelProto {
  return protoTypes().model.decode(bytes) as unknown as ModelProto;
}

/** A protobuf 64-bit integer (number or Long) as a JS number. */
export function toNumber(v: Int64 | undefined | null): number {
  if (v === undefined || v === null) return 0;
  return typeof v === "number" ? v : v.toNumber();
}

/** A float32 initializer, stored as little-endian raw_data. */
export function floatTensor(name: string, dims: readonly number[], data: Float32Array): TensorProto {
  if (data.length !== dims.reduce((a, b) => a * b, 1)) throw new Error(`tensor ${name}: ${data.length} values for dims [${dims.join(", ")}]`);
  return { name, dims: [...dims], data_type: DataType.FLOAT, raw_data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}

/** An int64 initializer (shapes, indices, axes), stored as little-endian raw_data. */
export function int64Tensor(name: string, dims: readonly number[], values: readonly number[]): TensorProto {
  const data = new BigInt64Array(values.map((v) => BigInt(v)));
  return { name, dims: [...dims], data_type: DataType.INT64, raw_data: new Uint8Array(data.buffer) };
}

/** The values of an int64 or int32 tensor (raw_data or the typed field), e.g. a Slice's constant ends. */
export function intTensorValues(t: TensorProto): number[] {
  const raw = t.raw_data;
  if (raw && raw.length > 0) {
    const copy = new Uint8Array(raw); // a copy: decoded bytes are views into the whole file
    if (t.data_type === DataType.INT64) return Array.from(new BigInt64Array(copy.buffer), (v) => Number(v));
    if (t.data_type === DataType.INT32) return Array.from(new Int32Array(copy.buffer));
    throw new Error(`tensor ${t.name ?? ""}: data type ${t.data_type} is not an integer type`);
  }
  if (t.data_type === DataType.INT64) return (t.int64_data ?? []).map(toNumber);
  if (t.data_type === DataType.INT32) return [...(t.int32_data ?? [])];
  throw new Error(`tensor ${t.name ?? ""}: data type ${t.data_type} is not an integer type`);
}

/** Node attribute builders. */
export const attr = {
  int: (name: string, i: number): AttributeProto => ({ name, type: AttributeType.INT, i }),
  float: (name: string, f: number): AttributeProto => ({ name, type: AttributeType.FLOAT, f }),
  ints: (name: string, ints: readonly number[]): AttributeProto => ({ name, type: AttributeType.INTS, ints: [...ints] }),
  tensor: (name: string, t: TensorProto): AttributeProto => ({ name, type: AttributeType.TENSOR, t }),
};

/** A tensor value info: element type and dims (numbers are fixed sizes, strings are named dynamic ones). */
export function tensorValueInfo(name: string, elemType: number, dims: readonly (number | string)[]): ValueInfoProto {
  return {
    name,
    type: {
      tensor_type: {
        elem_type: elemType,
        shape: { dim: dims.map((d) => (typeof d === "number" ? { dim_value: d } : { dim_param: d })) },
      },
    },
  };
}
