import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { anchorModelBytes } from '../../../src/runtime/anchor-model.js';
import { EP_NAMES, nodesOn, parsePlacement } from '../../../src/runtime/placement.js';
import { createSession, type Session } from '../../../src/runtime/session.js';

const MODEL = 'test/fixtures/models/distilbert-sst2/onnx/model.onnx';
const sessions: Session[] = [];
afterAll(async () => {
  await Promise.all(sessions.map((s) => s.release()));
});

const SAMPLE = `
[V:onnxruntime:, session_state.cc:1380 VerifyEachNodeIsAssignedToAnEp]  Node(s) placed on [WebGpuExecutionProvider]. Number of nodes: 2
[V:onnxruntime:, session_state.cc:1380 VerifyEachNodeIsAssignedToAnEp]   MatMul (/l0/MatMul)
[V:onnxruntime:, session_state.cc:1380 VerifyEachNodeIsAssignedToAnEp]   Add (/l0/Add)
[I:onnxruntime:, webgpu_execution_provider.cc:665 GetCapability] webgpu kernel not found in registries for Op type: Sum node name: Sum_0
[V:onnxruntime:, session_state.cc:1380 VerifyEachNodeIsAssignedToAnEp]  Node(s) placed on [CPUExecutionProvider]. Number of nodes: 1
[V:onnxruntime:, session_state.cc:1380 VerifyEachNodeIsAssignedToAnEp]   Sum (Sum_0)
`;

describe('EP placement', () => {
  it('parses ORT verbose placement lines', () => {
    const p = parsePlacement(SAMPLE);
    expect(p?.providers).toEqual([EP_NAMES.webgpu, EP_NAMES.cpu]);
    expect(p?.byProvider[EP_NAMES.webgpu]).toEqual({
      count: 2,
      nodes: [
        { opType: 'MatMul', name: '/l0/MatMul' },
        { opType: 'Add', name: '/l0/Add' },
      ],
    });
    expect(nodesOn(p, EP_NAMES.cpu)).toBe(1);
    expect(nodesOn(p, EP_NAMES.jsep)).toBe(0);
    expect(parsePlacement('nothing here')).toBeUndefined();
  });

  for (const device of ['cpu', 'wasm'] as const) {
    it(`reads ${device} placement from a child process stderr (Node writes ORT logs to fd 2)`, async () => {
      const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'test/unit/runtime/fixtures/placement-child.ts', MODEL, device], {
        maxBuffer: 64 * 1024 * 1024,
      });
      expect(stdout).toContain(`created on ${device}, placement in-process: none`);
      const p = parsePlacement(stderr);
      // ORT-web's wasm EP is its CPU EP.
      expect(p?.providers).toEqual([EP_NAMES.cpu]);
      expect(nodesOn(p, EP_NAMES.cpu)).toBeGreaterThan(10);
    });
  }

  it('the hand-encoded anchor model loads and runs', async () => {
    const session = await createSession(anchorModelBytes(), { device: 'wasm' });
    sessions.push(session);
    const out = await session.run({ x: session.tensor('float32', new Float32Array([4.5]), [1]) });
    expect(Array.from((await out.y!.getData()) as Float32Array)).toEqual([4.5]);
  });
});
