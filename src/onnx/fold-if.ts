/**
 * `If` folding: exports of rotary-position models (Llama's rotary cache) contain `If` nodes
 * whose condition is a shape test that is constant for every input. The gradient builder only
 * knows straight-line graphs, so each such `If` is replaced by the branch it always takes.
 * An `If` whose condition depends on the input's data (or on a dimension that is not known
 * when the graph is built) is a typed error naming the node.
 *
 * @module
 */
import { ModelError } from '../errors.js';
import type { Dim, Graph, Node } from './ir.js';
import { branchFromProto } from './model-io.js';
import { foldConstants } from './fold.js';
import { inferShapes } from './shape/infer.js';
import { readNumbers } from './tensor.js';

/** The condition's value when it is known: an initializer, or a value shape inference proved. */
function conditionValue(g: Graph, cond: string, values: Map<string, Dim[]>): boolean | undefined {
  const init = g.initializers.get(cond);
  if (init) {
    const v = readNumbers(init);
    return v.length === 1 ? v[0] !== 0 : undefined;
  }
  const v = values.get(cond);
  if (v && v.length === 1 && typeof v[0] === 'number') return v[0] !== 0;
  return undefined;
}

/** Puts the nodes of the chosen branch in place of `node`; the branch's outputs are renamed to the If's outputs. */
function inlineBranch(g: Graph, node: Node, which: 'then_branch' | 'else_branch'): Node[] {
  const attr = node.attrs[which];
  const branch = attr?.type === 'unsupported' ? branchFromProto(attr.value) : undefined;
  if (!branch) throw new ModelError(`If node "${node.name}" has no readable ${which}; re-export the model with a constant-folded rotary cache.`, { code: 'unsupported-if' });
  if (branch.outputs.length !== node.outputs.length) {
    throw new ModelError(`If node "${node.name}": its ${which} has ${branch.outputs.length} outputs for ${node.outputs.length} node outputs.`, { code: 'unsupported-if' });
  }
  for (const [name, t] of branch.initializers) g.initializers.set(name, t);
  const out = [...branch.nodes];
  branch.outputs.forEach((o, k) => {
    out.push({ opType: 'Identity', domain: '', name: g.fresh(`${node.name}/${which}/out`), inputs: [o], outputs: [node.outputs[k]], attrs: {} });
  });
  return out;
}

/**
 * Replaces every `If` whose condition is constant (after constant folding and shape inference
 * with `inputShapes`, the model's declared shapes by default) by its chosen branch, nested
 * `If`s included. Returns the number of `If` nodes folded.
 *
 * @throws {ModelError} code `unsupported-if` naming the first `If` whose condition is not constant.
 * @example
 * const model = decodeModel(bytes);
 * foldIfs(model.graph); // Llama: 4 rotary-cache Ifs replaced by their squeeze branch
 */
export function foldIfs(g: Graph, inputShapes: Record<string, Dim[]> = {}): number {
  let folded = 0;
  // Each round folds what is known; a branch may bring new Ifs or make other conditions constant.
  for (let round = 0; round < 16 && g.nodes.some((n) => n.opType === 'If'); round++) {
    const info = inferShapes(g, inputShapes);
    foldConstants(g, info);
    const values = inferShapes(g, inputShapes).values;
    const next: Node[] = [];
    let changed = false;
    for (const n of g.nodes) {
      const cond = n.opType === 'If' && n.domain === '' ? conditionValue(g, n.inputs[0], values) : undefined;
      if (cond === undefined) {
        next.push(n);
        continue;
      }
      next.push(...inlineBranch(g, n, cond ? 'then_branch' : 'else_branch'));
      folded++;
      changed = true;
    }
    g.nodes = next;
    g.reserveNames();
    if (!changed) break;
  }
  const left = g.nodes.find((n) => n.opType === 'If');
  if (left) {
    throw new ModelError(
      `If node "${left.name}" has a condition ("${left.inputs[0]}") that depends on the input, so gradscope cannot choose its branch when building the gradient graph. ` +
        'Re-export the model with a static condition (e.g. a constant-folded rotary cache), or explain a tensor after this node.',
      { code: 'unsupported-if' },
    );
  }
  if (folded > 0) g.topoSort();
  return folded;
}
