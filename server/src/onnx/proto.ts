// A minimal protobuf writer for the ONNX messages the builder emits (ModelProto and what it contains).
//
// Why our own: onnxruntime does not export its schema; `onnx-proto` pins protobufjs 6 and the ONNX 1.10
// schema, `@bufbuild/protobuf` needs generated code and a build step. Writing needs only varints,
// fixed32 floats and length-delimited fields, so about a hundred lines keep the dependency tree small.
// Field numbers are those of onnx/onnx.proto (proto2); repeated numbers are written packed, which every
// protobuf parser accepts.

/** TensorProto.DataType values used here. */
export const DataType = { FLOAT: 1, INT64: 7 } as const;

/** AttributeProto.AttributeType values. */
const AttrType = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, FLOATS: 6, INTS: 7 } as const;

export type AttrValue = number | number[] | string | { float: number } | { floats: number[] } | TensorData;

export interface TensorData {
  name: string;
  dims: number[];
  dataType: number;
  /** Little-endian bytes, written as raw_data. */
  raw: Uint8Array;
}

export interface NodeData {
  opType: string;
  inputs: string[];
  outputs: string[];
  name?: string;
  attributes?: Record<string, AttrValue>;
}

export interface ValueInfoData {
  name: string;
  elemType: number;
  /** Fixed sizes, or the rank only: named symbolic sizes that onnxruntime infers. */
  dims: number[] | { rank: number };
}

export interface GraphData {
  name: string;
  nodes: NodeData[];
  initializers: TensorData[];
  inputs: ValueInfoData[];
  outputs: ValueInfoData[];
}

/**
 * A message under construction: a list of byte chunks that nested messages join by reference, so a
 * 100 MB initializer is copied once, when `finish` concatenates everything.
 */
class Message {
  readonly parts: Uint8Array[] = [];
  length = 0;

  private push(bytes: Uint8Array): void {
    this.parts.push(bytes);
    this.length += bytes.length;
  }

  private tag(field: number, wire: number): void {
    this.push(varint(field * 8 + wire));
  }

  int(field: number, value: number): this {
    this.tag(field, 0);
    this.push(varint(value));
    return this;
  }

  float(field: number, value: number): this {
    this.tag(field, 5);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    this.push(b);
    return this;
  }

  bytes(field: number, value: Uint8Array): this {
    this.tag(field, 2);
    this.push(varint(value.length));
    this.push(value);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  message(field: number, child: Message): this {
    this.tag(field, 2);
    this.push(varint(child.length));
    for (const p of child.parts) this.push(p);
    return this;
  }

  packedInts(field: number, values: number[]): this {
    const m = new Message();
    for (const v of values) m.push(varint(v));
    return this.message(field, m);
  }

  packedFloats(field: number, values: number[]): this {
    const b = new Uint8Array(values.length * 4);
    const view = new DataView(b.buffer);
    values.forEach((v, i) => view.setFloat32(i * 4, v, true));
    return this.bytes(field, b);
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const p of this.parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }
}

/** Serialises a ModelProto (IR version 8, the default opset at `opset`) holding `graph`. */
export function encodeModel(graph: GraphData, opset = 17, producer = "cnn-lens"): Uint8Array {
  const model = new Message()
    .int(1, 8)
    .string(2, producer)
    .message(7, encodeGraph(graph))
    .message(8, new Message().string(1, "").int(2, opset));
  return model.finish();
}

function encodeGraph(g: GraphData): Message {
  const m = new Message();
  for (const n of g.nodes) m.message(1, encodeNode(n));
  m.string(2, g.name);
  for (const t of g.initializers) m.message(5, encodeTensor(t));
  for (const v of g.inputs) m.message(11, encodeValueInfo(v));
  for (const v of g.outputs) m.message(12, encodeValueInfo(v));
  return m;
}

function encodeNode(n: NodeData): Message {
  const m = new Message();
  for (const i of n.inputs) m.string(1, i);
  for (const o of n.outputs) m.string(2, o);
  if (n.name) m.string(3, n.name);
  m.string(4, n.opType);
  for (const [name, value] of Object.entries(n.attributes ?? {})) m.message(5, encodeAttribute(name, value));
  return m;
}

function encodeAttribute(name: string, v: AttrValue): Message {
  const m = new Message().string(1, name);
  // Integers and integer lists are the common case; floats must be asked for explicitly, because
  // 1 and 1.0 are the same JavaScript number.
  if (typeof v === "number") return m.int(3, v).int(20, AttrType.INT);
  if (typeof v === "string") return m.string(4, v).int(20, AttrType.STRING);
  if (Array.isArray(v)) return m.packedInts(8, v).int(20, AttrType.INTS);
  if ("float" in v) return m.float(2, v.float).int(20, AttrType.FLOAT);
  if ("floats" in v) return m.packedFloats(7, v.floats).int(20, AttrType.FLOATS);
  return m.message(5, encodeTensor(v)).int(20, AttrType.TENSOR);
}

function encodeTensor(t: TensorData): Message {
  return new Message().packedInts(1, t.dims).int(2, t.dataType).string(8, t.name).bytes(9, t.raw);
}

function encodeValueInfo(v: ValueInfoData): Message {
  const shape = new Message();
  if (Array.isArray(v.dims)) for (const d of v.dims) shape.message(1, new Message().int(1, d));
  else for (let i = 0; i < v.dims.rank; i++) shape.message(1, new Message().string(2, `${v.name}_${i}`));
  const tensorType = new Message().int(1, v.elemType).message(2, shape);
  return new Message().string(1, v.name).message(2, new Message().message(1, tensorType));
}

/** Base-128 varint; negative numbers as 64-bit two's complement (ten bytes), as int64 fields require. */
function varint(value: number): Uint8Array {
  if (!Number.isSafeInteger(value)) throw new RangeError(`varint needs a safe integer, got ${value}`);
  let v = value < 0 ? BigInt.asUintN(64, BigInt(value)) : BigInt(value);
  if (value >= 0 && value < 128) return Uint8Array.of(value);
  const out: number[] = [];
  while (v >= 128n) {
    out.push(Number(v & 127n) | 128);
    v >>= 7n;
  }
  out.push(Number(v));
  return Uint8Array.from(out);
}

/** Bytes of a Float32Array as stored by raw_data (little-endian; the hosts onnxruntime supports are). */
export function floatBytes(data: Float32Array): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** Bytes of int64 values for raw_data. */
export function int64Bytes(values: number[]): Uint8Array {
  const b = new Uint8Array(values.length * 8);
  const view = new DataView(b.buffer);
  values.forEach((v, i) => view.setBigInt64(i * 8, BigInt(v), true));
  return b;
}
