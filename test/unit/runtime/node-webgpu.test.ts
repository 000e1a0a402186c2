// onnxruntime-node's WebGPU EP in Node (Dawn on Vulkan). It runs on Chromium's SwiftShader Vulkan
// driver when LD_LIBRARY_PATH / VK_ICD_FILENAMES point at it (see runtime-facts §8); run in a
// child process so the environment applies to the native library.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

describe.skipIf(!existsSync(ICD))('device webgpu in Node (onnxruntime-node + SwiftShader Vulkan)', () => {
  it('runs the smoke check on the WebGPU EP', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'test/unit/runtime/fixtures/smoke-child.ts', 'webgpu'], {
      env: { ...process.env, LD_LIBRARY_PATH: '/usr/lib/chromium', VK_ICD_FILENAMES: ICD },
      maxBuffer: 16 * 1024 * 1024,
    });
    const r = JSON.parse(stdout.trim().split('\n').pop() as string) as { ok: boolean; device: string; flavour: string; maxAbsDiff: number; ids: number[]; referenceIds: number[]; message?: string };
    expect(r.ok, r.message).toBe(true);
    expect(r.device).toBe('webgpu');
    expect(r.flavour).toBe('onnxruntime-node');
    expect(r.ids).toEqual(r.referenceIds);
    expect(r.maxAbsDiff).toBeLessThan(1e-5);
    console.log(`[smoke] node webgpu (onnxruntime-node): max|diff| ${r.maxAbsDiff.toExponential(2)}`);
  });
});
