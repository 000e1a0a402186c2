/**
 * How a transformers.js tokenizer spells text, read from its tokenizer.json, for the word
 * alignment in `words.ts`. Structural types only: this module does not import transformers.js.
 *
 * @module
 */
import type { TokenSpelling, WordTokenizerSpec } from './words.js';

/** The parts of a transformers.js tokenizer {@link wordTokenizerSpec} reads (structural; no import). */
export interface TransformersJsWordTokenizer {
  readonly _tokenizerJSON?: Readonly<Record<string, unknown>>;
  readonly _tokenizer?: { readonly normalizer?: { normalize?(text: string): string } | null } | null;
  readonly unk_token?: string | null;
}

/**
 * Reads how a transformers.js tokenizer spells text: byte-level when its pre-tokenizer or
 * decoder is `ByteLevel`, SentencePiece when `Metaspace`, WordPiece otherwise; its normalizer
 * and unknown token.
 *
 * @example
 * ```ts
 * const tok = await AutoTokenizer.from_pretrained('bert-base-uncased');
 * const spec = wordTokenizerSpec(tok); // { spelling: 'wordpiece', continuingPrefix: '##', unkToken: '[UNK]', normalize }
 * ```
 */
export function wordTokenizerSpec(tokenizer: TransformersJsWordTokenizer): WordTokenizerSpec {
  const json = tokenizer._tokenizerJSON ?? {};
  const types = new Set<string>();
  collectTypes(json.pre_tokenizer, types);
  collectTypes(json.decoder, types);
  const model = (json.model ?? {}) as { type?: unknown; continuing_subword_prefix?: unknown };
  const spelling: TokenSpelling = types.has('ByteLevel') ? 'byte-level' : types.has('Metaspace') ? 'metaspace' : 'wordpiece';
  const normalizer = tokenizer._tokenizer?.normalizer;
  const normalize = normalizer?.normalize ? (text: string): string => normalizer.normalize?.(text) ?? text : undefined;
  return {
    spelling,
    ...(spelling === 'wordpiece'
      ? { continuingPrefix: typeof model.continuing_subword_prefix === 'string' ? model.continuing_subword_prefix : '##' }
      : {}),
    unkToken: tokenizer.unk_token ?? null,
    ...(normalize ? { normalize } : {}),
  };
}

function collectTypes(node: unknown, out: Set<string>): void {
  if (!node || typeof node !== 'object') return;
  const o = node as { type?: unknown; pretokenizers?: unknown; decoders?: unknown };
  if (typeof o.type === 'string') out.add(o.type);
  for (const list of [o.pretokenizers, o.decoders]) if (Array.isArray(list)) for (const child of list) collectTypes(child, out);
}
