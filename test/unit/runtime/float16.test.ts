/**
 * Where an fp16 file's own forward runs (src/runtime/float16.ts). In Node onnxruntime-node
 * does not expose its WebGPU adapter's features, so a float16 graph asked for 'webgpu' takes
 * its CPU EP; other devices are left as asked. The browser side (an adapter without
 * shader-f16 sends it to wasm) is tested in test/browser/fp16-webgpu.spec.ts.
 */
import { describe, expect, it } from 'vitest';
import { float16Device, hasShaderF16 } from '../../../src/runtime/float16.js';

describe('float16Device in Node', () => {
  it('has no shader-f16 to report', async () => {
    expect(await hasShaderF16()).toBe(false);
  });

  it("sends 'webgpu' to the CPU EP and leaves the CPU devices as asked", async () => {
    expect(await float16Device('webgpu')).toBe('cpu');
    expect(await float16Device('cpu')).toBe('cpu');
    expect(await float16Device('wasm')).toBe('wasm');
  });
});
