/**
 * Issue 13: model files are checked before and right after they are read. Regular files only,
 * size caps (also for fetched files, with or without a Content-Length), a complete ONNX
 * ModelProto, and a fetch abort that is gradscope's AbortError.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AbortError } from '../../../src/errors.js';
import { assertModelFileStat, MODEL_FILE_LIMITS, maxModelFileBytes, onnxFrameProblem } from '../../../src/runtime/model-file.js';
import { readModelFile, type HubSettings } from '../../../src/runtime/model-source.js';
import { MODELS_DIR } from '../text-reference-fixtures.js';

const ONNX = readFileSync(path.join(MODELS_DIR, 'bert-3class', 'onnx', 'model.onnx'));
const TMP = mkdtempSync(path.join(tmpdir(), 'gradscope-model-file-'));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

const codeOf = (f: () => unknown): string | undefined => {
  try {
    f();
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return undefined;
};

describe('onnxFrameProblem', () => {
  it('accepts a real model and names what is wrong with broken ones', () => {
    expect(onnxFrameProblem(ONNX)).toBeUndefined();
    expect(onnxFrameProblem(new Uint8Array())).toMatch(/empty/);
    expect(onnxFrameProblem(ONNX.subarray(0, ONNX.length - 1))).toMatch(/truncated/);
    expect(onnxFrameProblem(ONNX.subarray(0, 20))).toBeDefined();
    expect(onnxFrameProblem(new TextEncoder().encode('{"not": "onnx"}'))).toMatch(/not an ONNX ModelProto field/);
    // ir_version only: sound fields, but no graph.
    expect(onnxFrameProblem(Uint8Array.from([0x08, 0x07]))).toMatch(/no graph/);
  });
});

describe('assertModelFileStat', () => {
  it('refuses folders, FIFOs and devices, and files over the cap', () => {
    expect(codeOf(() => assertModelFileStat(statSync(TMP), 'onnx/model.onnx', 'here'))).toBe('not-a-regular-file');
    const fifo = path.join(TMP, 'fifo');
    execFileSync('mkfifo', [fifo]);
    expect(codeOf(() => assertModelFileStat(statSync(fifo), 'tokenizer.json', 'here'))).toBe('not-a-regular-file');
    expect(codeOf(() => assertModelFileStat(statSync('/dev/zero'), 'tokenizer.json', 'here'))).toBe('not-a-regular-file');
    const big = { isFile: () => true, isDirectory: () => false, size: MODEL_FILE_LIMITS.other + 1 };
    expect(codeOf(() => assertModelFileStat(big, 'tokenizer.json', 'here'))).toBe('model-file-too-large');
    expect(codeOf(() => assertModelFileStat(big, 'onnx/model.onnx', 'here'))).toBeUndefined();
    expect(maxModelFileBytes('onnx/model.onnx_data')).toBe(4 * 1024 ** 3);
    expect(maxModelFileBytes('config.json')).toBe(64 * 1024 ** 2);
  });
});

describe('fetched model files', () => {
  let server: Server;
  let base = '';
  const hub: HubSettings = { remoteHost: '', remotePathTemplate: '', localModelPath: '', allowLocalModels: false };
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/m/config.json') {
        // No Content-Length: 1 MiB chunks until the client gives up (at most 80 MiB).
        res.writeHead(200, { 'content-type': 'application/json' });
        const chunk = Buffer.alloc(1024 * 1024, 0x20);
        let sent = 0;
        const more = (): void => {
          while (sent < 80 && !res.destroyed) {
            sent++;
            if (!res.write(chunk)) return void res.once('drain', more);
          }
          res.end();
        };
        more();
      } else if (req.url === '/m/tokenizer.json') {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(5 * 1024 ** 3) });
        res.end();
      } else if (req.url === '/m/slow.json') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{');
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/m`;
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });

  it('a body without a length is cut off at the cap', async () => {
    await expect(readModelFile({ kind: 'url', location: base, input: base }, 'config.json', hub)).rejects.toMatchObject({ code: 'model-file-too-large' });
  });

  it('a Content-Length over the cap is refused before the body is read', async () => {
    await expect(readModelFile({ kind: 'url', location: base, input: base }, 'tokenizer.json', hub)).rejects.toMatchObject({ code: 'model-file-too-large' });
  });

  it('an abort while the body arrives is an AbortError', async () => {
    const c = new AbortController();
    const read = readModelFile({ kind: 'url', location: base, input: base }, 'slow.json', hub, { signal: c.signal });
    setTimeout(() => c.abort(), 50);
    await expect(read).rejects.toBeInstanceOf(AbortError);
  });
});
