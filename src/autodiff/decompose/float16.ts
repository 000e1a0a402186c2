/**
 * fp16 files (transformers.js dtype `fp16`, and the float16 parts of `q4f16`) upcast to
 * float32: every float16 constant becomes float32 (read once, here), every `Cast` to float16
 * casts to float32 instead, and float16 types in the graph's signature become float32.
 *
 * Why: the backward graph is built and run in float32 (its constants and seeds are float32),
 * and the CPU and wasm backends have no float16 compute anyway. The explained function is the
 * network at float32 precision with the file's (float16-rounded) weights; the prediction stays
 * the file's own, run as shipped. Constants that fp16 converters clamp (masks at -1e4 instead
 * of -inf) stay clamped.
 */
import type { Attr } from '../../onnx/ir.js';
import { f32, type ConstTensor } from '../../onnx/tensor.js';
import type { DecomposeContext } from './context.js';
import { readWeight } from './weights.js';

const FLOAT16 = 10;
const FLOAT = 1;

function upcast(ctx: DecomposeContext, t: ConstTensor): ConstTensor {
  return f32(readWeight(t, ctx.external), t.dims);
}

/** Upcasts every float16 constant, cast and signature type; returns whether anything was float16. */
export function upcastFloat16(ctx: DecomposeContext): boolean {
  const { g } = ctx;
  let changed = 0;
  for (const [name, t] of g.initializers) {
    if (t.dtype !== 'float16') continue;
    g.initializers.set(name, upcast(ctx, t));
    changed++;
  }
  for (const node of g.nodes) {
    for (const [k, a] of Object.entries(node.attrs)) {
      if (a.type === 'tensor' && a.value.dtype === 'float16') {
        node.attrs[k] = { type: 'tensor', value: upcast(ctx, a.value) };
        changed++;
      }
    }
    const to = node.attrs.to;
    if (node.opType === 'Cast' && node.domain === '' && to?.type === 'int' && to.value === FLOAT16) {
      node.attrs.to = { type: 'int', value: FLOAT } satisfies Attr;
      changed++;
    }
  }
  for (const list of [g.inputs, g.outputs]) {
    for (const v of list) {
      if (v.dtype === 'float16') {
        v.dtype = 'float32';
        changed++;
      }
    }
  }
  for (const [name, t] of g.valueInfo) if (t.dtype === 'float16') g.valueInfo.set(name, { ...t, dtype: 'float32' });
  // A weight cast to float where it is read is now that float weight (embedding lookups are
  // recognised on constant tables).
  if (changed > 0) {
    for (const node of g.nodes) {
      const src = node.opType === 'Cast' && node.domain === '' && node.attrs.to?.type === 'int' && node.attrs.to.value === FLOAT ? g.initializers.get(node.inputs[0]) : undefined;
      if (src?.dtype !== 'float32' || g.outputs.some((o) => o.name === node.outputs[0])) continue;
      g.initializers.set(node.outputs[0], src);
      ctx.removed.add(node);
    }
  }
  if (changed > 0) ctx.counts.set('float16', changed);
  return changed > 0;
}
