import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { runSmoke, type SmokeReference } from '../../support/smoke.js';
import type { Session } from '../../../src/runtime/session.js';

const MODEL = 'test/fixtures/models/distilbert-sst2';
const reference = JSON.parse(readFileSync('test/fixtures/reference/distilbert-sst2/default.json', 'utf8')) as SmokeReference;
const sessions: Session[] = [];
afterAll(async () => {
  await Promise.all(sessions.map((s) => s.release()));
});

describe('issue 2 smoke: distilbert-sst2 offline in Node', () => {
  for (const device of ['wasm', 'cpu'] as const) {
    it(`tokenizes like the reference and matches its probabilities to 1e-5 (${device})`, async () => {
      const result = await runSmoke(MODEL, reference, { device });
      sessions.push(result.session);
      expect(result.device).toBe(device);
      expect(result.flavour).toBe(device === 'cpu' ? 'onnxruntime-node' : 'onnxruntime-web');
      expect(result.ids).toEqual(reference.input_ids);
      expect(result.predictedClass).toBe('POSITIVE');
      expect(result.maxAbsDiff).toBeLessThan(1e-5);
      console.log(`[smoke] node ${device}: logits ${result.logits.join(', ')} probs ${result.probs.join(', ')} max|diff| ${result.maxAbsDiff.toExponential(2)}`);
    });
  }
});
