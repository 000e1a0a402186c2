/**
 * Zero-shot hypotheses: Python's `hypothesis_template.format(label)`.
 *
 * @module
 */

import { InputError } from '../../errors.js';

/** transformers-interpret's default zero-shot template. */
export const DEFAULT_HYPOTHESIS_TEMPLATE = 'this text is about {} .';

/**
 * `template.format(label)` with Python's rules for the fields a template can sensibly hold:
 * `{}` and `{0}` become the label, `{{` and `}}` are literal braces. Anything Python would reject
 * with one positional argument (a second `{}`, `{1}`, `{name}`, a lone brace, mixing `{}` and
 * `{0}`) throws; format specs and conversions (`{0:>8}`, `{!r}`) are not supported and throw too.
 *
 * @example
 * ```ts
 * formatHypothesis('this text is about {} .', 'sports'); // 'this text is about sports .'
 * formatHypothesis('This example is {0}.', 'finance');   // 'This example is finance.'
 * ```
 */
export function formatHypothesis(template: string, label: string): string {
  const bad = (why: string): InputError =>
    new InputError(`Bad hypothesisTemplate ${JSON.stringify(template)}: ${why}. Use one "{}" where the label goes, e.g. "This example is {}.".`, { code: 'bad-hypothesis-template' });
  if (typeof template !== 'string') throw bad('it must be a string');
  let fields = 0;
  let out = '';
  let auto = 0;
  let usedAuto = false;
  let usedManual = false;
  let i = 0;
  while (i < template.length) {
    const ch = template[i];
    if (ch === '{') {
      if (template[i + 1] === '{') {
        out += '{';
        i += 2;
        continue;
      }
      const close = template.indexOf('}', i + 1);
      if (close < 0) throw bad("unmatched '{'");
      const field = template.slice(i + 1, close);
      if (field === '') {
        if (usedManual) throw bad('cannot switch from manual field numbering to automatic');
        usedAuto = true;
        if (auto++ !== 0) throw bad('it has more than one {} field');
      } else if (field === '0') {
        if (usedAuto) throw bad('cannot switch from automatic field numbering to manual');
        usedManual = true;
      } else {
        throw bad(`the field {${field}} is not supported; use {} (or {0}) for the label`);
      }
      out += label;
      fields++;
      i = close + 1;
    } else if (ch === '}') {
      if (template[i + 1] !== '}') throw bad("single '}'");
      out += '}';
      i += 2;
    } else {
      out += ch;
      i++;
    }
  }
  if (fields === 0) throw bad('it has no "{}" for the label, so every label would get the same hypothesis');
  return out;
}
