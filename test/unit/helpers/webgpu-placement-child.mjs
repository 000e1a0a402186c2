// Creates one onnxruntime-node session on the WebGPU EP with verbose logging, so the parent can
// read ORT's node placement from this process's stderr (JavaScript cannot read it in-process).
import fs from 'node:fs';
import * as ort from 'onnxruntime-node';

const bytes = fs.readFileSync(process.argv[2]);
await ort.InferenceSession.create(bytes, { executionProviders: ['webgpu'], logSeverityLevel: 0, graphOptimizationLevel: process.argv[3] ?? 'disabled' });
