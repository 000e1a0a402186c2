/**
 * Where a graph that computes in float16 (an fp16 file as shipped) can run.
 *
 * ORT's WebGPU EP claims float16 nodes whatever the adapter, and fails at the first run
 * ("Program Gather requires f16 but the device does not support it") when the adapter lacks
 * the `shader-f16` feature, as SwiftShader does. Such a graph then runs on the CPU kernels of
 * the same ONNX Runtime (wasm in the browser, onnxruntime-node in Node), as shipped: ORT
 * computes float16 nodes without a CPU kernel in float32 between casts.
 *
 * @example
 * const device = await float16Device('webgpu'); // 'webgpu' with shader-f16, else 'wasm'
 *
 * @module
 */
import { resolveDevice, type Device } from './ort.js';
import { isNode } from './platform.js';

interface AdapterLike {
  features: { has(name: string): boolean };
}

let f16Check: Promise<boolean> | undefined;

/**
 * Whether this browser's WebGPU adapter has `shader-f16`. False in Node, where
 * onnxruntime-node does not expose its adapter's features (so float16 graphs take its CPU EP).
 */
export function hasShaderF16(): Promise<boolean> {
  if (isNode()) return Promise.resolve(false);
  f16Check ??= (async () => {
    const gpu = (globalThis as { navigator?: { gpu?: { requestAdapter(): Promise<AdapterLike | null> } } }).navigator?.gpu;
    try {
      return (await gpu?.requestAdapter())?.features.has('shader-f16') ?? false;
    } catch {
      return false;
    }
  })();
  return f16Check;
}

/** The device a float16 graph should use when the caller asked for `device`. */
export async function float16Device(device: Device): Promise<Device> {
  if ((await resolveDevice(device)) !== 'webgpu' || (await hasShaderF16())) return device;
  return isNode() ? 'cpu' : 'wasm';
}
