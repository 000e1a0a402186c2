/**
 * Rebuilds, with the real transformers.js tokenizers of the fixture models, the rows every text
 * reference case fed to the model (compat mode) and compares them field by field.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { AutoTokenizer, env } from '@huggingface/transformers';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_HYPOTHESIS_TEMPLATE, formatHypothesis } from '../../src/explainers/text/hypothesis.js';
import {
  buildQuestionAnsweringInputs,
  buildSingleTextInputs,
  buildTextPairInputs,
  buildZeroShotInputs,
  zeroShotSliceEnd,
  type TextInputs,
} from '../../src/explainers/text/inputs.js';
import { fromTransformersJs, type VocabTextTokenizer } from '../../src/explainers/text/tokenizer.js';
import { displayTokens } from '../../src/explainers/text/tokens.js';
import {
  MODELS_DIR,
  loadTextReferences,
  type ReferenceCase,
  type ReferenceRows,
} from './text-reference-fixtures.js';

const COMPAT = { compat: 'transformers-interpret' } as const;
const cases = loadTextReferences();
const tokenizers = new Map<string, VocabTextTokenizer>();

beforeAll(async () => {
  env.allowRemoteModels = false;
  env.localModelPath = `${MODELS_DIR}/`;
  for (const model of new Set(cases.map((c) => c.ref.model))) {
    const config = JSON.parse(readFileSync(path.join(MODELS_DIR, model, 'config.json'), 'utf8')) as {
      model_type: string;
    };
    const tok = await AutoTokenizer.from_pretrained(model);
    tokenizers.set(model, fromTransformersJs(tok, config.model_type));
  }
});

/** Compares our rows with the reference rows that exist (token types only where the model got them). */
function expectRows(ours: TextInputs, ref: Partial<ReferenceRows>, label: string): void {
  expect(ours.inputIds, `${label} input_ids`).toEqual(ref.input_ids);
  expect(ours.refInputIds, `${label} ref_input_ids`).toEqual(ref.ref_input_ids);
  expect(ours.positionIds, `${label} position_ids`).toEqual(ref.position_ids);
  expect(ours.refPositionIds, `${label} ref_position_ids`).toEqual(ref.ref_position_ids);
  expect(ours.attentionMask, `${label} attention_mask`).toEqual(ref.attention_mask);
  if (ref.lig_inputs?.includes('token_type_ids')) {
    expect(ours.tokenTypeIds, `${label} token_type_ids`).toEqual(ref.token_type_ids);
    expect(ours.refTokenTypeIds, `${label} ref_token_type_ids`).toEqual(ref.ref_token_type_ids);
  } else {
    // Token classification: the original passes no token types, so the model uses zeros.
    expect(ref.token_type_ids, `${label}: reference has no token types`).toBeUndefined();
    expect(ours.tokenTypeIds.every((t) => t === 0), `${label} token types are the model default`).toBe(true);
  }
}

function tokensOf(tok: VocabTextTokenizer, rows: TextInputs): string[] {
  return displayTokens(rows.inputIds, (id) => tok.idToToken(id));
}

function checkCase({ name, ref }: ReferenceCase): number {
  const tok = tokenizers.get(ref.model);
  if (!tok) throw new Error(`no tokenizer for ${ref.model}`);
  const call = ref.call as Record<string, string | string[] | boolean | number | undefined>;
  // Python's `effective` ids must be what our fallbacks resolve to.
  const s = tok.specialTokenIds;
  expect(s.cls ?? s.bos, `${name} cls`).toBe(ref.effective.cls_token_id);
  expect(s.sep ?? s.eos, `${name} sep`).toBe(ref.effective.sep_token_id);
  expect(s.pad, `${name} ref`).toBe(ref.effective.ref_token_id);
  let runs = 0;

  switch (ref.explainer) {
    case 'SequenceClassificationExplainer':
    case 'MultiLabelClassificationExplainer':
    case 'TokenClassificationExplainer': {
      const task =
        ref.explainer === 'SequenceClassificationExplainer'
          ? 'sequence-classification'
          : ref.explainer === 'MultiLabelClassificationExplainer'
            ? 'multi-label-classification'
            : 'token-classification';
      const rows = buildSingleTextInputs(tok, call.text as string, { ...COMPAT, task });
      expectRows(rows, ref, name);
      // The multi-label reference stores no cleaned_text / sep_idx (its inner explainer cleans).
      if (ref.cleaned_text !== undefined) expect(rows.cleanedText).toBe(ref.cleaned_text);
      expect(rows.cleanedText).toBeDefined();
      if (ref.sep_idx !== undefined) expect(rows.sepIdx).toBe(ref.sep_idx);
      expect(tokensOf(tok, rows)).toEqual(ref.tokens);
      for (const a of ref.attributions) expect(a.tokens).toEqual(ref.tokens);
      runs = 1;
      break;
    }
    case 'PairwiseSequenceClassificationExplainer': {
      const rows = buildTextPairInputs(tok, call.text1 as string, call.text2 as string, COMPAT);
      expectRows(rows, ref, name);
      expect(rows.cleanedText).toBeUndefined();
      expect(rows.sepIdx).toBe(ref.sep_idx);
      expect(tokensOf(tok, rows)).toEqual(ref.tokens);
      runs = 1;
      break;
    }
    case 'QuestionAnsweringExplainer': {
      const rows = buildQuestionAnsweringInputs(tok, call.question as string, call.text as string, COMPAT);
      expectRows(rows, ref, name);
      expect(rows.sepIdx).toBe(ref.sep_idx);
      expect(tokensOf(tok, rows)).toEqual(ref.tokens);
      runs = 1;
      break;
    }
    case 'ZeroShotClassificationExplainer': {
      const template = (call.hypothesis_template as string | undefined) ?? DEFAULT_HYPOTHESIS_TEMPLATE;
      const labels = call.labels as string[];
      const includeHypothesis = call.include_hypothesis === true;
      expect(ref.attributions.map((a) => a.label)).toEqual(labels);
      for (const a of ref.attributions) {
        const hypothesis = formatHypothesis(template, a.label ?? '');
        expect(hypothesis).toBe(a.hypothesis);
        const rows = buildZeroShotInputs(tok, call.text as string, hypothesis, COMPAT);
        expectRows(rows, a, `${name} [${a.label}]`);
        expect(rows.cleanedText).toBe(ref.cleaned_text);
        expect(rows.sepIdx).toBe(ref.sep_idx);
        expect(tokensOf(tok, rows)).toEqual(a.tokens);
        // Compat zero-shot scores are cut to [:sep_idx] unless the hypothesis is included.
        expect(a.normalization_slice_end).toBe(includeHypothesis ? null : rows.sepIdx);
        expect(zeroShotSliceEnd(rows, { ...COMPAT, includeHypothesis })).toBe(a.normalization_slice_end);
        if (!includeHypothesis) {
          // Default mode keeps the last text token the original drops.
          expect(zeroShotSliceEnd(rows)).toBe(rows.sepIdx + 1);
        }
        runs++;
      }
      // The prediction pass runs on the raw text with the same layout.
      const perHypothesis = ref.prediction.per_hypothesis as { hypothesis: string; input_ids: number[]; token_type_ids: number[]; position_ids: number[] }[];
      for (const p of perHypothesis) {
        const rows = buildZeroShotInputs(tok, call.text as string, p.hypothesis, { ...COMPAT, clean: false });
        expect(rows.inputIds, `${name} prediction ids`).toEqual(p.input_ids);
        expect(rows.tokenTypeIds, `${name} prediction types`).toEqual(p.token_type_ids);
        expect(rows.positionIds).toEqual(p.position_ids);
        expect(rows.cleanedText).toBeUndefined();
      }
      break;
    }
    default:
      throw new Error(`unexpected explainer ${ref.explainer}`);
  }
  return runs;
}

describe('compat-mode rows vs every text reference (transformers.js tokenizers)', () => {
  it('covers all 23 text cases and every explainer kind', () => {
    expect(cases).toHaveLength(23);
    expect(new Set(cases.map((c) => c.ref.explainer)).size).toBe(6);
  });

  for (const c of cases) {
    it(c.name, () => {
      expect(checkCase(c)).toBeGreaterThan(0);
    });
  }
});

describe('default mode with the real tokenizers', () => {
  it('single text: no cleaning, tokenizer token types (final [SEP] is type 0)', () => {
    const tok = tokenizers.get('bert-3class')!;
    const rows = buildSingleTextInputs(tok, 'The movie was fine, though a little long.');
    expect(rows.cleanedText).toBeUndefined();
    expect(rows.inputIds).toEqual([2, 694, 491, 748, 334, 16, 705, 43, 446, 449, 18, 3]);
    expect(rows.refInputIds).toEqual([2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3]);
    expect(rows.tokenTypeIds.every((t) => t === 0)).toBe(true);
    expect(rows.textSpan).toEqual({ start: 1, end: 11 });
  });

  it('byte-level BPE: the raw text has no trailing-space token', () => {
    const tok = tokenizers.get('distilroberta-emotion')!;
    const text = 'My parents hated it.';
    const compat = buildSingleTextInputs(tok, text, COMPAT);
    const plain = buildSingleTextInputs(tok, text);
    expect(tokensOf(tok, compat).at(-2)).toBe('');
    expect(tokensOf(tok, plain).at(-2)).toBe('.');
    expect(plain.refInputIds[0]).toBe(0);
    expect(plain.refInputIds.at(-1)).toBe(2);
    expect(plain.refInputIds.slice(1, -1).every((id) => id === 1)).toBe(true);
  });

  it('zero-shot on RoBERTa uses the tokenizer pair template (two </s>), compat builds one', () => {
    const tok = tokenizers.get('distilroberta-emotion')!;
    const plain = buildZeroShotInputs(tok, 'I liked it.', 'this text is about joy .');
    const compat = buildZeroShotInputs(tok, 'I liked it.', 'this text is about joy .', COMPAT);
    // Compat cleans the text (a trailing lone Ġ token); default keeps it raw.
    expect(tokensOf(tok, compat)[compat.textSpan.end - 1]).toBe('');
    expect(tokensOf(tok, plain)[plain.textSpan.end - 1]).toBe('.');
    const sepAt = plain.textSpan.end;
    expect(plain.inputIds.slice(sepAt, sepAt + 2)).toEqual([2, 2]);
    expect(plain.refInputIds.slice(sepAt, sepAt + 2)).toEqual([2, 2]);
    expect(plain.pairSpan!.start).toBe(sepAt + 2);
    expect(compat.inputIds[compat.textSpan.end]).toBe(2);
    expect(compat.inputIds[compat.textSpan.end + 1]).not.toBe(2);
  });

  it('QA and zero-shot on BERT: tokenizer token types switch after the first [SEP]', () => {
    const tok = tokenizers.get('bert-squad')!;
    const plain = buildQuestionAnsweringInputs(tok, 'What is natural language processing ?', 'It is a field.');
    const compat = buildQuestionAnsweringInputs(tok, 'What is natural language processing ?', 'It is a field.', COMPAT);
    expect(plain.inputIds).toEqual(compat.inputIds);
    expect(plain.refInputIds).toEqual(compat.refInputIds);
    const firstSep = plain.textSpan.end;
    expect(plain.tokenTypeIds[firstSep]).toBe(0);
    expect(compat.tokenTypeIds[firstSep]).toBe(1);
    expect(plain.tokenTypeIds[firstSep + 1]).toBe(1);
  });
});
