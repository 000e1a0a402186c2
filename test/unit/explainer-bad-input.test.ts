/**
 * Issue 13, explainer level: every bad input listed there gets a typed GradscopeError with a
 * stable code and a message that says what to do, within seconds and before any integration
 * (limits, unknown option keys and values, null and wrong-typed arguments, a model of the wrong
 * kind, a config whose labels do not fit the logits or that is not a config, text with no
 * tokens, a hypothesis template without `{}`, bad targets), on the small fixture models.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { explainer } from '../../src/explainers/factory.js';
import { ImageClassificationExplainer } from '../../src/explainers/image/image-classification.js';
import { LoadedModel } from '../../src/explainers/core/loaded-model.js';
import { checkOptionKeys, MAX_N_STEPS } from '../../src/explainers/core/options.js';
import { MAX_NT_SAMPLES } from '../../src/explainers/image/image-options.js';
import { MultiLabelClassificationExplainer } from '../../src/explainers/text/multi-label-classification.js';
import { QuestionAnsweringExplainer } from '../../src/explainers/text/question-answering.js';
import { PairwiseSequenceClassificationExplainer, SequenceClassificationExplainer } from '../../src/explainers/text/sequence-classification.js';
import { TokenClassificationExplainer } from '../../src/explainers/text/token-classification.js';
import { ZeroShotClassificationExplainer } from '../../src/explainers/text/zero-shot-classification.js';
import { GradscopeError, InputError, ModelError, UnsupportedGradientError, UnsupportedOpError } from '../../src/index.js';
import { MODELS_DIR } from './text-reference-fixtures.js';

const device = 'cpu' as const;
const init = { device, localOnly: true } as const;
const dir = (m: string): string => path.join(MODELS_DIR, m);

const cache = new Map<string, Promise<unknown>>();
function load<T>(key: string, make: () => Promise<T>): Promise<T> {
  let p = cache.get(key);
  if (!p) {
    p = make();
    cache.set(key, p);
  }
  return p as Promise<T>;
}
const sst2 = (): Promise<SequenceClassificationExplainer> => load('sst2', () => SequenceClassificationExplainer.fromPretrained(dir('distilbert-sst2'), init));
const vit = (): Promise<ImageClassificationExplainer> => load('vit', () => ImageClassificationExplainer.fromPretrained(dir('vit'), init));

/** The rejection of `p` (or the throw of `f`), failing the test when there is none. */
async function caught(p: Promise<unknown> | (() => unknown)): Promise<GradscopeError> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    return e as GradscopeError;
  }
  throw new InputError('expected an error, got a result', { code: 'test-expected-error' });
}

/** Asserts class, code and a phrase of the message. */
async function expectError(p: Promise<unknown> | (() => unknown), cls: typeof InputError | typeof ModelError, code: string, phrase: string | RegExp): Promise<GradscopeError> {
  const err = await caught(p);
  expect(err).toBeInstanceOf(cls);
  expect(err.code).toBe(code);
  if (typeof phrase === 'string') expect(err.message).toContain(phrase);
  else expect(err.message).toMatch(phrase);
  return err;
}

// Model folders with a broken config.json, copied from a fixture into a temporary folder.
const tmp = mkdtempSync(path.join(tmpdir(), 'gradscope-bad-input-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
function withConfig(model: string, name: string, edit: (config: Record<string, unknown>) => unknown): string {
  const to = path.join(tmp, name);
  cpSync(dir(model), to, { recursive: true });
  const config = loadJson(path.join(dir(model), 'config.json')) as Record<string, unknown>;
  writeFileSync(path.join(to, 'config.json'), JSON.stringify(edit(config)));
  return to;
}
function loadJson(file: string): unknown {
  return JSON.parse(readFileSync(file, 'utf8'));
}

describe('limits on counts, checked before any work', () => {
  test.each([
    [1e9, 'bad-n-steps'],
    [MAX_N_STEPS + 1, 'bad-n-steps'],
    [0, 'bad-n-steps'],
    [-1, 'bad-n-steps'],
    [1.5, 'bad-n-steps'],
    [Number.NaN, 'bad-n-steps'],
    [Number.POSITIVE_INFINITY, 'bad-n-steps'],
    ['5', 'bad-n-steps'],
  ])('nSteps %s', async (nSteps, code) => {
    const ex = await sst2();
    const t0 = performance.now();
    await expectError(ex.explain('I love you', { nSteps: nSteps as number }), InputError, code, `nSteps must be a positive integer (at most ${MAX_N_STEPS.toLocaleString('en-US')})`);
    expect(performance.now() - t0).toBeLessThan(2000);
  });

  test.each([
    [{ internalBatchSize: Number.NaN }, 'bad-batch-size', 'internalBatchSize'],
    [{ internalBatchSize: -1 }, 'bad-batch-size', 'internalBatchSize'],
    [{ internalBatchSize: 1e12 }, 'bad-batch-size', 'internalBatchSize'],
    [{ nSteps: 'auto', tolerance: Number.NaN }, 'bad-tolerance', 'tolerance'],
    [{ nSteps: 'auto', tolerance: -1 }, 'bad-tolerance', 'tolerance'],
    [{ tolerance: 5 }, 'bad-tolerance', 'between 0 and 1'],
    [{ algorithm: 'smoothgrad', smoothGradSamples: 1e9 }, 'bad-smoothgrad-samples', 'smoothGradSamples must be a positive integer (at most 1,000)'],
  ])('%o', async (opts, code, phrase) => {
    const ex = await sst2();
    await expectError(ex.explain('I love you', opts as object), InputError, code, phrase);
  });

  test.each([
    [{ ntSamples: 1e9 }, 'bad-nt-samples', `ntSamples must be a positive integer (at most ${MAX_NT_SAMPLES.toLocaleString('en-US')})`],
    [{ ntSamples: 1.5 }, 'bad-nt-samples', 'ntSamples'],
    [{ ntSamples: Number.NaN }, 'bad-nt-samples', 'ntSamples'],
    [{ nStepsNoiseTunnel: 1e9 }, 'bad-n-steps', 'nStepsNoiseTunnel'],
    [{ stdevs: Number.NaN }, 'bad-stdevs', 'stdevs'],
    [{ stdevs: -1 }, 'bad-stdevs', 'stdevs'],
    [{ stdevs: 1e300 }, 'bad-stdevs', 'stdevs'],
    [{ seed: 0.5 }, 'bad-seed', 'seed'],
  ])('image %o', async (opts, code, phrase) => {
    const ex = await vit();
    const t0 = performance.now();
    // The options are checked before the image is read: no pixels are needed.
    await expectError(ex.explain({ pixelValues: new Float32Array(0) }, { attributionType: 'IGNT', ...opts }), InputError, code, phrase);
    expect(performance.now() - t0).toBeLessThan(2000);
  });
});

describe('unknown option keys and values are refused, naming the valid ones', () => {
  test('a misspelt key', async () => {
    const ex = await sst2();
    const err = await expectError(ex.explain('I love you', { nstep: 5 } as object), InputError, 'unknown-option', 'Unknown option "nstep"');
    expect(err.message).toContain('nSteps');
    expect(err.message).toContain('className');
  });

  test('a key of another task', async () => {
    const ex = await sst2();
    await expectError(ex.explain('I love you', { ignoredLabels: ['O'] } as object), InputError, 'unknown-option', 'ignoredLabels');
    const img = await vit();
    await expectError(img.explain({ pixelValues: new Float32Array(0) }, { compat: 'transformers-interpret' } as object), InputError, 'unknown-option', 'attributionType');
  });

  test('a misspelt load option', async () => {
    await expectError(SequenceClassificationExplainer.fromPretrained(dir('distilbert-sst2'), { devise: 'cpu' } as object), InputError, 'unknown-option', 'device');
    await expectError(ImageClassificationExplainer.fromPretrained(dir('vit'), { resise: 'pil' } as object), InputError, 'unknown-option', 'resize');
    await expectError(explainer('text-classification', dir('distilbert-sst2'), { local: true } as object), InputError, 'unknown-option', 'localOnly');
  });

  test.each([
    [{ compat: 'foo' }, 'bad-compat', "'transformers-interpret'"],
    [{ method: 'bar' }, 'bad-method', `Unknown integration method "bar". Use one of 'riemann_left'`],
    [{ embeddingType: 'foo' }, 'bad-embedding-type', '"word"'],
    [{ embeddingType: 'embeddings' }, 'bad-embedding-type', '"position"'],
    [{ truncation: 'yes' }, 'bad-truncation', 'true or false'],
    [{ onProgress: 5 }, 'bad-options', 'function'],
    [{ signal: 'stop' }, 'bad-options', 'AbortSignal'],
  ])('text %o', async (opts, code, phrase) => {
    const ex = await sst2();
    await expectError(ex.explain('I love you', opts as object), InputError, code, phrase);
  });

  test.each([
    [{ attributionType: 'foo' }, 'bad-attribution-type', "'IG', 'IGNT'"],
    [{ attributionType: 'IGNT', ntType: 'foo' }, 'bad-nt-type', "'smoothgrad'"],
  ])('image %o', async (opts, code, phrase) => {
    const ex = await vit();
    await expectError(ex.explain({ pixelValues: new Float32Array(0) }, opts as object), InputError, code, phrase);
  });

  test('an unknown device or resize', async () => {
    await expectError(SequenceClassificationExplainer.fromPretrained(dir('distilbert-sst2'), { device: 'tpu' } as object), InputError, 'unknown-device', "'wasm'");
    await expectError(ImageClassificationExplainer.fromPretrained(dir('vit'), { resize: 'cv2' } as object), InputError, 'bad-resize', "'pil', 'transformers'");
  });

  test('one list per explainer: the check itself', () => {
    expect(() => checkOptionKeys({ a: 1, b: 2 }, ['a'])).toThrow(/Unknown option "b". Valid keys: a\./);
    expect(checkOptionKeys(null, ['a'])).toEqual({});
    expect(() => checkOptionKeys([1] as unknown as object, ['a'])).toThrow(expect.objectContaining({ code: 'bad-options' }));
  });
});

describe('null and wrong-typed arguments', () => {
  test('null options mean no options, everywhere', async () => {
    const ex = await sst2();
    const r = await ex.explain('I love you', null);
    expect(r.predictedClassName).toBe(ex.labels[r.predictedClassIndex]);
    const loaded = await SequenceClassificationExplainer.fromPretrained(dir('distilbert-sst2'), null);
    expect(loaded.labels).toEqual(['NEGATIVE', 'POSITIVE']);
    const fn = await explainer('text-classification', dir('distilbert-sst2'), null);
    expect(typeof fn).toBe('function');
    await fn.explainer.dispose();
    await loaded.dispose();
  });

  test.each([
    [null, 'bad-input', 'must be a string, got null'],
    [undefined, 'bad-input', 'must be a string, got undefined'],
    [42, 'bad-input', 'got number'],
    [['I love you'], 'bad-input', 'got an array'],
  ])('explain(%o)', async (text, code, phrase) => {
    const ex = await sst2();
    await expectError(ex.explain(text as unknown as string), InputError, code, phrase);
  });

  test('options that are not an object', async () => {
    const ex = await sst2();
    await expectError(ex.explain('I love you', 'fast' as unknown as object), InputError, 'bad-options', 'must be an object');
    await expectError(SequenceClassificationExplainer.fromPretrained(dir('distilbert-sst2'), 5 as unknown as object), InputError, 'bad-options', 'load options');
  });

  test('a model that is not a string', async () => {
    await expectError(SequenceClassificationExplainer.fromPretrained(null as unknown as string), InputError, 'bad-model-id', 'got null');
    await expectError(ImageClassificationExplainer.fromPretrained('  '), InputError, 'bad-model-id', 'empty string');
    await expectError(explainer('text-classification', 42 as unknown as string), InputError, 'bad-model-id', 'got number');
  });

  test('an image that is null', async () => {
    const ex = await vit();
    await expectError(ex.explain(null as unknown as string, { attributionType: 'IG' }), InputError, 'bad-input', 'no image');
  });
});

describe("the model's outputs are checked against the task", () => {
  test('a QA model run as text classification', async () => {
    const ex = await SequenceClassificationExplainer.fromPretrained(dir('bert-squad'), init);
    const err = await expectError(ex.explain('I love you'), ModelError, 'wrong-model-kind', 'start_logits');
    expect(err.message).toContain('question-answering');
    const fn = await explainer('text-classification', dir('bert-squad'), init);
    await expectError(fn('I love you'), ModelError, 'wrong-model-kind', 'question-answering');
    await fn.explainer.dispose();
    await ex.dispose();
  });

  test('a QA model run as zero-shot, multi-label or token classification', async () => {
    const zs = await ZeroShotClassificationExplainer.fromPretrained(dir('bert-squad'), init);
    await expectError(zs.explain('I love you', ['a', 'b']), ModelError, 'wrong-model-kind', 'start_logits');
    const ml = await MultiLabelClassificationExplainer.fromPretrained(dir('bert-squad'), init);
    await expectError(ml.explain('I love you'), ModelError, 'wrong-model-kind', 'question-answering');
    const tc = await TokenClassificationExplainer.fromPretrained(dir('bert-squad'), init);
    await expectError(tc.explain('I love you'), ModelError, 'wrong-model-kind', 'per-token logits');
  });

  test('a classifier run as QA or token classification', async () => {
    const qa = await QuestionAnsweringExplainer.fromPretrained(dir('distilbert-sst2'), init);
    const err = await expectError(qa.explain('Who?', 'Me.'), ModelError, 'wrong-model-kind', 'logits [batch_size, 2]');
    expect(err.message).toContain('text-classification');
    const tc = await TokenClassificationExplainer.fromPretrained(dir('distilbert-sst2'), init);
    await expectError(tc.explain('I love you'), ModelError, 'wrong-model-kind', 'text-classification');
  });

  test('a token classifier run as a text-pair classifier', async () => {
    const ex = await PairwiseSequenceClassificationExplainer.fromPretrained(dir('bert-ner'), init);
    await expectError(ex.explain('Paris', 'London'), ModelError, 'wrong-model-kind', 'token-classification');
  });
});

describe('the config is checked where its labels are used', () => {
  test('id2label with 3 entries for a 2-logit model names both numbers', async () => {
    const folder = withConfig('distilbert-sst2', 'three-labels', (c) => ({ ...c, id2label: { 0: 'A', 1: 'B', 2: 'C' } }));
    const err = await expectError(SequenceClassificationExplainer.fromPretrained(folder, init), ModelError, 'label-count-mismatch', 'outputs 2 logits');
    expect(err.message).toContain('names 3 labels');
    expect(err.message).not.toContain('wasm');
    // customLabels is the way out.
    const ok = await SequenceClassificationExplainer.fromPretrained(folder, { ...init, customLabels: ['neg', 'pos'] });
    expect(ok.labels).toEqual(['neg', 'pos']);
    await ok.dispose();
  });

  test('customLabels of the wrong count or type', async () => {
    await expectError(SequenceClassificationExplainer.fromPretrained(dir('distilbert-sst2'), { ...init, customLabels: ['a', 'b', 'c'] }), InputError, 'bad-custom-labels', '3 labels but the model has 2 outputs');
    await expectError(SequenceClassificationExplainer.fromPretrained(dir('distilbert-sst2'), { ...init, customLabels: 'ab' as unknown as string[] }), InputError, 'bad-custom-labels', 'array of names');
  });

  test.each([
    ['null', null, 'null'],
    ['a list', [1, 2], 'array'],
    ['a number', 5, 'number'],
    ['an object without model_type', { id2label: { 0: 'NEGATIVE', 1: 'POSITIVE' } }, 'model_type'],
  ])('a config.json that is %s', async (name, content, phrase) => {
    // The runtime refuses a file that is not an object; the explainer one that is no model config.
    const folder = withConfig('distilbert-sst2', `config-${name.replace(/\W/g, '-')}`, () => content);
    await expectError(SequenceClassificationExplainer.fromPretrained(folder, init), ModelError, 'invalid-config', phrase);
  });

  test('an id2label that is not a map of names', async () => {
    const folder = withConfig('distilbert-sst2', 'id2label-list', (c) => ({ ...c, id2label: 'NEGATIVE,POSITIVE' }));
    await expectError(SequenceClassificationExplainer.fromPretrained(folder, init), ModelError, 'invalid-config', 'id2label');
  });

  test('a 2-logit model without id2label stays a 2-class softmax (not one sigmoid)', async () => {
    const folder = withConfig('distilbert-sst2', 'no-id2label', (c) => {
      const { id2label: _a, label2id: _b, ...rest } = c;
      return rest;
    });
    const ex = await SequenceClassificationExplainer.fromPretrained(folder, init);
    const r = await ex.explain('I love you', { nSteps: 4, className: 'LABEL_0' });
    expect(r.attributionClassName).toBe('LABEL_0');
    expect(['LABEL_0', 'LABEL_1']).toContain(r.predictedClassName);
    // Softmax over two classes: the predicted one has p >= 0.5.
    expect(r.predictedProbability).toBeGreaterThanOrEqual(0.5);
    await ex.dispose();
  });
});

describe('text with no tokens is empty, for every text input', () => {
  test.each([
    ['zero-width characters', '\u200b\u200c\ufeff'],
    ['white space', ' \t\n '],
    ['the empty string', ''],
    ['control characters the tokenizer drops', '\u0001\u0002'],
  ])('%s', async (_name, text) => {
    const ex = await sst2();
    await expectError(ex.explain(text), InputError, 'empty-text', 'at least one word');
  });

  test('pair, question, context and candidate labels', async () => {
    const pair = await load('pair', () => PairwiseSequenceClassificationExplainer.fromPretrained(dir('minilm-cross-encoder'), init));
    await expectError(pair.explain('fine', '\u200b'), InputError, 'empty-text', 'text pair');
    const qa = await load('qa', () => QuestionAnsweringExplainer.fromPretrained(dir('bert-squad'), init));
    await expectError(qa.explain('\ufeff', 'Context here.'), InputError, 'empty-text', 'question');
    await expectError(qa.explain('Who?', '  '), InputError, 'empty-text', 'context');
    const zs = await load('zs', () => ZeroShotClassificationExplainer.fromPretrained(dir('bert-nli'), init));
    await expectError(zs.explain('Some text.', ['sports', '\u200b']), InputError, 'bad-labels', 'non-empty string');
  });
});

describe('zero-shot labels and template', () => {
  const zs = (): Promise<ZeroShotClassificationExplainer> => load('zs', () => ZeroShotClassificationExplainer.fromPretrained(dir('bert-nli'), init));

  test('a template without {} is refused, as transformers does', async () => {
    const ex = await zs();
    await expectError(ex.explain('Some text.', ['sports', 'politics'], { hypothesisTemplate: 'This is a label.' }), InputError, 'bad-hypothesis-template', 'no "{}"');
    await expectError(ex.explain('Some text.', ['sports'], { hypothesisTemplate: '{} or {}' }), InputError, 'bad-hypothesis-template', 'more than one');
  });

  test('empty or repeated labels', async () => {
    const ex = await zs();
    await expectError(ex.explain('Some text.', []), InputError, 'missing-labels', 'non-empty array');
    await expectError(ex.explain('Some text.', null as unknown as string[]), InputError, 'missing-labels', 'non-empty array');
    await expectError(ex.explain('Some text.', ['sports', 'sports']), InputError, 'bad-labels', 'given twice');
  });
});

describe('the class to explain', () => {
  test.each([
    ['', '""'],
    [-1, '-1'],
    [1.5, '1.5'],
    [Number.NaN, 'NaN'],
    [2, '2'],
  ])('index %o', async (index, shown) => {
    const ex = await sst2();
    await expectError(ex.explain('I love you', { index: index as number, nSteps: 2 }), InputError, 'bad-index', `from 0 to 1 (the model has 2 classes), got ${shown}`);
  });

  test('an unknown className, also next to a valid index', async () => {
    const ex = await sst2();
    await expectError(ex.explain('I love you', { className: 'HAPPY', nSteps: 2 }), InputError, 'unknown-class-name', '"NEGATIVE", "POSITIVE"');
    await expectError(ex.explain('I love you', { index: 1, className: 'HAPPY', nSteps: 2 }), InputError, 'unknown-class-name', 'HAPPY');
    await expectError(ex.explain('I love you', { className: 1 as unknown as string, nSteps: 2 }), InputError, 'unknown-class-name', 'must be a string');
  });

  test('index wins over a valid className, as in transformers-interpret', async () => {
    const ex = await sst2();
    const r = await ex.explain('I love you', { index: 0, className: 'POSITIVE', nSteps: 2 });
    expect(r.attributionClassIndex).toBe(0);
  });
});

describe("autodiff's errors pass through typed", () => {
  test('exported from the index as ModelErrors', () => {
    expect(new UnsupportedOpError([{ op: 'Foo', count: 1, nodes: ['n'] }])).toBeInstanceOf(ModelError);
    expect(UnsupportedGradientError.prototype).toBeInstanceOf(ModelError);
  });

  test('an op without a backward rule keeps its .ops list', async () => {
    const m = await LoadedModel.load(dir('distilbert-sst2'), init);
    // Rename the op of the classifier's activation: it has no backward rule any more.
    const node = [...m.onnx.graph.nodes].reverse().find((n) => n.opType === 'Relu' || n.opType === 'Gemm' || n.opType === 'MatMul');
    expect(node).toBeDefined();
    node!.opType = 'GsNoSuchOp';
    const err = await caught(() => m.igGraph('word', { kind: 'classification', activation: 'softmax' }, 'sum-last-axis'));
    expect(err).toBeInstanceOf(UnsupportedOpError);
    expect(err.code).toBe('unsupported-op');
    expect((err as UnsupportedOpError).ops.map((o) => o.op)).toContain('GsNoSuchOp');
  });
});
