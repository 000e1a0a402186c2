/**
 * ONNX bytes <-> {@link Graph}. Constant nodes become initializers on the way in, so every
 * constant lives in one place. On the way out, large weights can be written as external data
 * that points back into the original model's bytes, so a 300 MB model is never copied in JS.
 */
import { Graph, type Attr, type Dim, type Node, type TensorType, type ValueInfo } from './ir.js';
import {
  decodeModelProto,
  encodeModelProto,
  onnx,
  toNum,
  type AttributeProto,
  type LongLike,
  type ModelProto,
  type NodeProto,
  type TensorProto,
  type ValueInfoProto,
} from './proto.js';
import { constFromProto, constToProto, dtypeFromOnnx, dtypeToOnnx } from './tensor.js';
import { ModelError } from '../errors.js';

/** A decoded model: its graph plus what is needed to write it back. */
export interface OnnxModel {
  graph: Graph;
  irVersion: number;
  producerName: string;
  /** Opsets of non-default domains, kept as they were. */
  otherOpsets: { domain: string; version: number }[];
  /** The bytes the model was decoded from (weights are views into them). */
  source: Uint8Array;
}

const decoder = new TextDecoder();
const encoder = new TextEncoder();

function typeFromProto(v: ValueInfoProto): TensorType | undefined {
  const tt = v.type?.tensorType;
  if (!tt) return undefined;
  const dtype = dtypeFromOnnx(tt.elemType ?? 0);
  if (!tt.shape) return { dtype };
  const shape: Dim[] = (tt.shape.dim ?? []).map((d, i) => {
    if (d.dimParam) return d.dimParam;
    if (d.dimValue !== null && d.dimValue !== undefined) return toNum(d.dimValue as LongLike);
    return `${v.name ?? 'dim'}_${i}`;
  });
  return { dtype, shape };
}

function attrFromProto(a: AttributeProto): Attr {
  const T = onnx.AttributeProto.AttributeType;
  switch (a.type) {
    case T.INT: return { type: 'int', value: toNum(a.i as LongLike) };
    case T.FLOAT: return { type: 'float', value: a.f ?? 0 };
    case T.STRING: return { type: 'string', value: decoder.decode(a.s ?? new Uint8Array()) };
    case T.INTS: return { type: 'ints', value: (a.ints ?? []).map((x) => toNum(x as LongLike)) };
    case T.FLOATS: return { type: 'floats', value: (a.floats ?? []).slice() };
    case T.STRINGS: return { type: 'strings', value: (a.strings ?? []).map((s) => decoder.decode(s)) };
    case T.TENSOR: return { type: 'tensor', value: constFromProto(a.t ?? {}) };
    default: return { type: 'unsupported', value: a };
  }
}

function attrToProto(name: string, a: Attr): AttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  switch (a.type) {
    case 'int': return { name, type: T.INT, i: a.value };
    case 'float': return { name, type: T.FLOAT, f: a.value };
    case 'string': return { name, type: T.STRING, s: encoder.encode(a.value) };
    case 'ints': return { name, type: T.INTS, ints: a.value };
    case 'floats': return { name, type: T.FLOATS, floats: a.value };
    case 'strings': return { name, type: T.STRINGS, strings: a.value.map((s) => encoder.encode(s)) };
    case 'tensor': return { name, type: T.TENSOR, t: constToProto(a.value, '') };
    default: return a.value as AttributeProto;
  }
}

/** protobuf's decode errors (truncated or corrupt bytes) as a typed error that says what to do. */
function decodeOrThrow(bytes: Uint8Array): ReturnType<typeof decodeModelProto> {
  try {
    return decodeModelProto(bytes);
  } catch (cause) {
    throw new ModelError(`The ONNX file is not a valid ONNX model (${cause instanceof Error ? cause.message : String(cause)}). Export the model again or download the file again.`, { code: 'invalid-model-file', cause });
  }
}

/**
 * Decodes ONNX bytes into a mutable graph.
 *
 * @example
 * const model = decodeModel(await fs.readFile('onnx/model.onnx'));
 * console.log(model.graph.nodes.length);
 */
export function decodeModel(bytes: Uint8Array): OnnxModel {
  const proto = decodeOrThrow(bytes);
  const gp = proto.graph;
  if (!gp) throw new ModelError('The ONNX file has no graph: it is not a model export (re-export it, or check the path).', { code: 'malformed-model' });
  const graph = new Graph();
  let otherOpsets: { domain: string; version: number }[] = [];
  for (const o of proto.opsetImport ?? []) {
    if (!o.domain || o.domain === 'ai.onnx') graph.opset = toNum(o.version as LongLike);
    else otherOpsets = [...otherOpsets, { domain: o.domain, version: toNum(o.version as LongLike) }];
  }
  for (const t of gp.initializer ?? []) graph.initializers.set(t.name ?? '', constFromProto(t));
  const initNames = new Set(graph.initializers.keys());
  for (const v of gp.input ?? []) {
    const t = typeFromProto(v);
    if (t) graph.valueInfo.set(v.name ?? '', t);
    if (!initNames.has(v.name ?? '')) graph.inputs.push({ name: v.name ?? '', ...(t ?? { dtype: 'other' }) });
  }
  for (const v of gp.output ?? []) {
    const t = typeFromProto(v);
    if (t) graph.valueInfo.set(v.name ?? '', t);
    graph.outputs.push({ name: v.name ?? '', ...(t ?? { dtype: 'other' }) });
  }
  for (const v of gp.valueInfo ?? []) {
    const t = typeFromProto(v);
    if (t) graph.valueInfo.set(v.name ?? '', t);
  }
  for (const n of gp.node ?? []) {
    const node = nodeFromProto(n);
    const value = node.attrs.value;
    if (node.opType === 'Constant' && node.domain === '' && value?.type === 'tensor') {
      graph.initializers.set(node.outputs[0], value.value);
      continue;
    }
    if (node.opType === 'Constant' && node.domain === '') {
      graph.initializers.set(node.outputs[0], constantAttrToTensor(node));
      continue;
    }
    graph.nodes.push(node);
  }
  graph.reserveNames();
  return {
    graph,
    irVersion: toNum(proto.irVersion as LongLike) || 8,
    producerName: proto.producerName ?? '',
    otherOpsets,
    source: bytes,
  };
}

function constantAttrToTensor(node: Node): ReturnType<typeof constFromProto> {
  const a = Object.values(node.attrs)[0];
  if (a?.type === 'int') return { dtype: 'int64', dims: [], values: BigInt64Array.from([BigInt(a.value)]) };
  if (a?.type === 'ints') return { dtype: 'int64', dims: [a.value.length], values: BigInt64Array.from(a.value.map((v) => BigInt(v))) };
  if (a?.type === 'float') return { dtype: 'float32', dims: [], values: Float32Array.from([a.value]) };
  if (a?.type === 'floats') return { dtype: 'float32', dims: [a.value.length], values: Float32Array.from(a.value) };
  throw new ModelError(`Constant node "${node.name}" holds a value kind gradscope cannot read (sparse or string); re-export the model with dense constants.`, { code: 'unsupported-op' });
}

/**
 * The nodes, outputs and constants of a sub-graph attribute (an `If` branch) as {@link Graph}
 * parts; undefined when the attribute holds no graph. Constant nodes become initializers.
 */
export function branchFromProto(attr: unknown): { nodes: Node[]; outputs: string[]; initializers: Map<string, ReturnType<typeof constFromProto>> } | undefined {
  const gp = (attr as AttributeProto | undefined)?.g;
  if (!gp) return undefined;
  const nodes: Node[] = [];
  const initializers = new Map<string, ReturnType<typeof constFromProto>>();
  for (const t of gp.initializer ?? []) initializers.set(t.name ?? '', constFromProto(t));
  for (const n of gp.node ?? []) {
    const node = nodeFromProto(n);
    const value = node.attrs.value;
    if (node.opType === 'Constant' && node.domain === '') initializers.set(node.outputs[0], value?.type === 'tensor' ? value.value : constantAttrToTensor(node));
    else nodes.push(node);
  }
  return { nodes, outputs: (gp.output ?? []).map((o) => o.name ?? ''), initializers };
}

function nodeFromProto(n: NodeProto): Node {
  const attrs: Record<string, Attr> = {};
  for (const a of n.attribute ?? []) attrs[a.name ?? ''] = attrFromProto(a);
  return {
    opType: n.opType ?? '',
    domain: n.domain ?? '',
    name: n.name ?? '',
    inputs: (n.input ?? []).slice(),
    outputs: (n.output ?? []).slice(),
    attrs,
  };
}

function valueInfoToProto(v: ValueInfo): ValueInfoProto {
  return {
    name: v.name,
    type: {
      tensorType: {
        elemType: dtypeToOnnx(v.dtype),
        shape: v.shape ? { dim: v.shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } : undefined,
      },
    },
  };
}

/** Options for {@link encodeModel}. */
export interface EncodeOptions {
  /**
   * Write initializers of at least this many bytes whose data lies inside `model.source` as
   * external data pointing into it (no copy). The session then needs the returned
   * `externalData`. Undefined: inline everything (one copy, needed where external data is not
   * supported).
   */
  externalizeAbove?: number;
  /** Name under which the source bytes are handed to the session as external data. */
  externalPath?: string;
}

/** Encoded model bytes plus the external data files the session must be given. */
export interface EncodedModel {
  bytes: Uint8Array;
  externalData: { path: string; data: Uint8Array }[];
}

/**
 * Writes the graph back to ONNX bytes.
 *
 * @example
 * const { bytes, externalData } = encodeModel(model, { externalizeAbove: 1024 });
 * await ort.InferenceSession.create(bytes, { externalData });
 */
export function encodeModel(model: OnnxModel, opts: EncodeOptions = {}): EncodedModel {
  const g = model.graph;
  const externalPath = opts.externalPath ?? 'gradscope-weights.bin';
  let usedExternal = false;
  const src = model.source;
  const initializer: TensorProto[] = [];
  for (const [name, t] of g.initializers) {
    let p = constToProto(t, name);
    const raw = p.rawData;
    if (
      opts.externalizeAbove !== undefined && raw && raw.byteLength >= opts.externalizeAbove &&
      raw.buffer === src.buffer && raw.byteOffset >= src.byteOffset && raw.byteOffset + raw.byteLength <= src.byteOffset + src.byteLength
    ) {
      p = {
        ...p,
        rawData: undefined,
        dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
        externalData: [
          { key: 'location', value: externalPath },
          { key: 'offset', value: String(raw.byteOffset - src.byteOffset) },
          { key: 'length', value: String(raw.byteLength) },
        ],
      };
      usedExternal = true;
    }
    initializer.push(p);
  }
  const nodes: NodeProto[] = g.nodes.map((n) => ({
    opType: n.opType,
    domain: n.domain || undefined,
    name: n.name,
    input: n.inputs,
    output: n.outputs,
    attribute: Object.entries(n.attrs).map(([k, a]) => attrToProto(k, a)),
  }));
  const proto: ModelProto = {
    irVersion: Math.max(model.irVersion, 8),
    producerName: 'gradscope',
    opsetImport: [{ domain: '', version: g.opset }, ...model.otherOpsets.map((o) => ({ domain: o.domain, version: o.version }))],
    graph: {
      name: 'gradscope',
      node: nodes,
      initializer,
      input: g.inputs.map(valueInfoToProto),
      output: g.outputs.map(valueInfoToProto),
    },
  };
  return { bytes: encodeModelProto(proto), externalData: usedExternal ? [{ path: externalPath, data: src }] : [] };
}
