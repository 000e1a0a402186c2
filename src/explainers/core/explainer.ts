/**
 * What every explainer shares, whatever its input (text explainers add a tokenizer in
 * `text/text-explainer.ts`): it keeps its last result, whose fields the subclasses mirror as
 * getters (like the Python explainer's properties). Options never stick between calls.
 */
import { InputError } from '../../errors.js';
import { isNode, nodeImport } from '../../runtime/platform.js';
import type { ExplanationResult } from '../../types.js';
import { visualizeHtml, type HtmlExportOptions } from '../../viz/html-export.js';

/** Base of every explainer. */
export abstract class Explainer<R extends ExplanationResult> {
  protected last: R | undefined;

  /**
   * Frees the model's onnxruntime sessions (weights copied into native, wasm or GPU memory).
   * Call it when the explainer is no longer needed, e.g. before loading another large model in
   * a page; explaining afterwards is an error. The last result stays readable.
   *
   * @example
   * const ex = await SequenceClassificationExplainer.fromPretrained('./models/distilbert-sst2');
   * await ex.explain('I love you');
   * await ex.dispose();
   */
  abstract dispose(): Promise<void>;

  /** The last result, or undefined before the first call. */
  get lastResult(): R | undefined {
    return this.last;
  }

  /**
   * A standalone HTML page of the last result (or of `result`): the captum-style table for text,
   * the heat map for images, with every token and label escaped. In Node, `path` also writes
   * it to that file (`.html` is added when missing, like the original's `visualize()`).
   *
   * @example
   * await explainer.explain('I love you');
   * await explainer.visualize('explanation'); // writes explanation.html
   */
  async visualize(path?: string, options: HtmlExportOptions & { result?: R } = {}): Promise<string> {
    const result = options.result ?? this.last;
    if (!result) throw new InputError('There is nothing to visualize yet: call explain() first, or pass { result }.', { code: 'no-result' });
    const html = visualizeHtml(result, options);
    if (path !== undefined) {
      if (!isNode()) throw new InputError('visualize(path) writes files in Node only; in a browser, use the returned HTML or the gradscope elements.', { code: 'node-only' });
      const { writeFile } = await nodeImport<typeof import('node:fs/promises')>('node:fs/promises');
      await writeFile(path.endsWith('.html') ? path : `${path}.html`, html);
    }
    return html;
  }
}
