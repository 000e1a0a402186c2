/**
 * What every decomposition family works with: the graph being rewritten, its weights'
 * external data, and helpers to read constants and to replace a run of nodes by new ones that
 * produce the same output names (so cut points and graph outputs keep their names).
 */
import { ModelError } from '../../errors.js';
import type { Dim, Graph, Node } from '../../onnx/ir.js';
import { inferShapes, type ShapeInfo } from '../../onnx/shape/infer.js';
import { f32, type ConstTensor } from '../../onnx/tensor.js';
import { readWeight, type ExternalData } from './weights.js';

/** Shared state of one decomposition pass. */
export class DecomposeContext {
  /** Nodes to drop at the end (their outputs are produced by new nodes or no longer used). */
  readonly removed = new Set<Node>();
  /** Rewritten nodes per op type, for the caller's summary. */
  readonly counts = new Map<string, number>();
  private producersCache: Map<string, Node> | undefined;
  private consumersCache: Map<string, Node[]> | undefined;
  private shapes: ShapeInfo | undefined;

  constructor(
    readonly g: Graph,
    readonly external: readonly ExternalData[],
  ) {}

  /** Node producing a tensor (graph state at the start of the pass). */
  producer(name: string): Node | undefined {
    this.producersCache ??= this.g.producers();
    return this.producersCache.get(name);
  }

  /** Nodes consuming a tensor (graph state at the start of the pass). */
  consumers(name: string): Node[] {
    this.consumersCache ??= this.g.consumers();
    return this.consumersCache.get(name) ?? [];
  }

  /** The single consumer of a tensor that is not a graph output, else undefined. */
  soleConsumer(name: string): Node | undefined {
    const c = this.consumers(name);
    return c.length === 1 && !this.g.outputs.some((o) => o.name === name) ? c[0] : undefined;
  }

  /** A tensor's shape when known (shape inference, run once on first use). */
  shape(name: string): Dim[] | undefined {
    this.shapes ??= inferShapes(this.g);
    return this.shapes.types.get(name)?.shape ?? this.g.valueInfo.get(name)?.shape ?? this.constant(name)?.dims;
  }

  /** A constant input (initializer), or undefined for an omitted or computed input. */
  constant(name: string | undefined): ConstTensor | undefined {
    return name ? this.g.initializers.get(name) : undefined;
  }

  /** A constant's values as float32 (read once, here, at load). */
  floats(name: string): Float32Array {
    const t = this.constant(name);
    if (!t) throw new ModelError(`Tensor "${name}" should be a constant weight but is computed in the graph.`, { code: 'unsupported-quantization' });
    return readWeight(t, this.external);
  }

  /** Adds a float32 weight under a fresh name. */
  weight(values: Float32Array, dims: number[], hint: string): string {
    return this.g.constant(f32(values, dims), `${hint.replace(/[^A-Za-z0-9_]/g, '_')}_dequantized`);
  }

  /** Appends a node producing `output` (an existing tensor name, whose old producer is removed). */
  emit(opType: string, inputs: string[], output: string, attrs: Node['attrs'] = {}): void {
    this.g.nodes.push({ opType, domain: '', name: this.g.fresh(opType), inputs, outputs: [output], attrs });
  }

  /** Marks nodes as replaced and counts the pattern once. */
  replace(pattern: string, nodes: (Node | undefined)[]): void {
    for (const n of nodes) if (n) this.removed.add(n);
    this.counts.set(pattern, (this.counts.get(pattern) ?? 0) + 1);
  }

  /** A fresh intermediate tensor name. */
  fresh(prefix: string): string {
    return this.g.fresh(prefix);
  }
}

/** A typed error for a quantized pattern this pass does not recognise. */
export function unsupportedPattern(node: Node, why: string): ModelError {
  return new ModelError(
    `Cannot dequantize node "${node.name}" (${node.opType}): ${why}. Load the fp32 file (dtype 'fp32') to explain this model, or report the pattern.`,
    { code: 'unsupported-quantization' },
  );
}

/** A typed error for a fused op in a form the decomposition cannot rewrite exactly. */
export function unsupportedForm(node: Node, why: string): ModelError {
  return new ModelError(
    `Cannot rewrite node "${node.name}" (${node.domain}.${node.opType}) into standard ops: ${why}. Export the model without this fusion (e.g. without onnxruntime's transformer optimizer), or report the form.`,
    { code: 'unsupported-fused-op' },
  );
}
