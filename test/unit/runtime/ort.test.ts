import { describe, expect, it, vi } from 'vitest';
import { BackendError, InputError } from '../../../src/errors.js';
import { autoBrowserDevice, executionProvidersFor, flavourFor, hasWebGpu, importOrt, loadOrt, resolveDevice } from '../../../src/runtime/ort.js';
import { isBrowser, isNode } from '../../../src/runtime/platform.js';

describe('ort (Node)', () => {
  it('detects Node', () => {
    expect(isNode()).toBe(true);
    expect(isBrowser()).toBe(false);
  });

  it("resolves 'auto' to onnxruntime-node on the CPU", async () => {
    expect(await resolveDevice('auto')).toBe('cpu');
    const rt = await loadOrt();
    expect(rt.device).toBe('cpu');
    expect(rt.flavour).toBe('onnxruntime-node');
    expect(rt.executionProviders).toEqual(['cpu']);
    expect(rt.ort.env.versions.node).toBe('1.30.0');
  });

  it("serves 'wasm' with onnxruntime-web's Node build", async () => {
    const rt = await loadOrt('wasm');
    expect(rt.flavour).toBe('onnxruntime-web');
    expect(rt.executionProviders).toEqual(['wasm']);
    expect(rt.ort.env.versions.web).toBe('1.30.0');
    // onnxruntime-node (CJS) and onnxruntime-web (ESM) use separate onnxruntime-common copies.
    expect(rt.ort.env).not.toBe((await loadOrt('cpu')).ort.env);
  });

  it('maps devices to flavours and EPs', () => {
    expect(flavourFor('webgpu')).toBe('onnxruntime-node');
    expect(executionProvidersFor('webgpu')).toEqual(['webgpu']);
    expect(executionProvidersFor('cpu')).toEqual(['cpu']);
    expect(executionProvidersFor('wasm')).toEqual(['wasm']);
  });

  it('has no browser WebGPU in Node, and never loads the browser bundle', async () => {
    expect(await hasWebGpu()).toBe(false);
    await expect(importOrt('onnxruntime-web/webgpu')).rejects.toBeInstanceOf(BackendError);
  });

  it('rejects unknown devices with a typed error', async () => {
    await expect(resolveDevice('gpu' as never)).rejects.toBeInstanceOf(InputError);
    await expect(resolveDevice('gpu' as never)).rejects.toMatchObject({ code: 'unknown-device' });
  });
});

describe("device 'auto' without WebGPU", () => {
  it('falls back to wasm with one warning per process', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      expect(autoBrowserDevice(true)).toBe('webgpu');
      expect(warn).not.toHaveBeenCalled();
      expect(autoBrowserDevice(false)).toBe('wasm');
      expect(autoBrowserDevice(false)).toBe('wasm');
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0][0])).toMatch(/WebGPU is not available.*runs on wasm/);
    } finally {
      warn.mockRestore();
    }
  });
});
