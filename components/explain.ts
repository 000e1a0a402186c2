/**
 * `<gradscope-explain>`: a model, a form for its task's inputs, and the explanation, in one
 * element.
 */
import { html, LitElement, nothing, type PropertyDeclarations, type PropertyValues, type TemplateResult } from 'lit';
import { live } from 'lit/directives/live.js';
import { InputError, isAbortError } from '../src/errors.js';
import type { ResolvedDevice } from '../src/runtime/ort.js';
import type { ExplanationResult } from '../src/types.js';
import type { ExplainRuntime, RuntimeProgress, WorkerCallOptions } from '../src/worker/client.js';
import { type ExplainFieldSpec, type ExplainInputs, FIELD_ATTRIBUTES, missingFields, splitLabels, taskForm } from './explain-tasks.js';
import { type ExplainErrorDetail, type ExplainIntermediateDetail, type ExplainProgressDetail, type ExplainResultDetail, type ExplainStatus, loadProgress, progressText, runProgress } from './explain-events.js';
import { errorInfo, isLocalModelPath, loaded, loadExplainer, type LoadedExplainer } from './explain-loader.js';
import { explainStyles } from './explain.styles.js';
// A cycle (index.ts registers this element), safe because index.ts is the package's only
// entry to the elements and elementTagForResult is a hoisted function used only at run time.
import { elementTagForResult } from './index.js';
import type { ResultView } from '../src/viz/result-kind.js';
import type { Granularity } from './tokens.js';

export type { ExplainErrorDetail, ExplainIntermediateDetail, ExplainProgressDetail, ExplainResultDetail, ExplainStatus } from './explain-events.js';
export { progressText } from './explain-events.js';
export { isLocalModelPath } from './explain-loader.js';

let ids = 0;

/**
 * Explains a Hugging Face model in the page: loads the model (progress bar), shows the form
 * its task needs (text; text pair; question and context; text and candidate labels; an
 * image by drop or file picker), runs integrated gradients and shows the result with
 * `<gradscope-table>` or `<gradscope-image>`.
 *
 * The model loads as soon as `task` and `model` are set. A model path starting with `/`,
 * `./` or `../` is a local folder and is loaded offline (`localOnly`); anything else is a
 * Hub id. Changing an input while an explanation runs cancels it. Inputs can be preset with
 * attributes (`text`, `text-pair`, `question`, `context`, `labels`, `image`).
 *
 * Keyboard: Enter in a one-line field or Ctrl/Cmd+Enter in a text area explains; Escape
 * cancels a running explanation.
 *
 * @example
 * ```html
 * <gradscope-explain task="text-classification" model="Xenova/distilbert-base-uncased-finetuned-sst-2-english"
 *   text="I love this movie"></gradscope-explain>
 * ```
 *
 * @tag gradscope-explain
 * @fires gradscope-progress - Loading or integration progress; detail: {@link ExplainProgressDetail}.
 * @fires gradscope-result - An explanation finished; detail: {@link ExplainResultDetail}.
 * @fires gradscope-intermediate - With `progressive`: a preview or refinement was painted; detail: {@link ExplainIntermediateDetail}.
 * @fires gradscope-error - Loading or explaining failed; detail: {@link ExplainErrorDetail}. Not fired for cancellations.
 * @csspart form - The input form.
 * @csspart field - Each field (label + control).
 * @csspart label - Each field label.
 * @csspart input - Each text control.
 * @csspart dropzone - The image drop zone.
 * @csspart actions - The button row.
 * @csspart button - The Explain button.
 * @csspart cancel - The Cancel button.
 * @csspart progress - The progress row.
 * @csspart status - The status line.
 * @csspart error - The error box.
 * @csspart result - The container of the result element.
 * @cssprop --gradscope-accent - Button and progress colour (default: the focus colour).
 * @cssprop --gradscope-error-fg - Error text colour.
 * @cssprop --gradscope-error-bg - Error background.
 * @cssprop --gradscope-radius - Corner radius.
 * @cssprop --gradscope-gap - Spacing.
 */
export class GradscopeExplain extends LitElement {
  static override styles = explainStyles;

  static override properties: PropertyDeclarations = {
    task: { type: String, reflect: true },
    model: { type: String, reflect: true },
    device: { type: String, reflect: true },
    dtype: { type: String, reflect: true },
    nSteps: {
      attribute: 'n-steps',
      converter: {
        // `n-steps="auto"` or a count; anything else leaves the explainer's default.
        fromAttribute: (v: string | null): number | 'auto' | undefined => {
          if (v === null || v.trim() === '') return undefined;
          if (v.trim() === 'auto') return 'auto';
          const n = Number(v);
          return Number.isInteger(n) && n > 0 ? n : undefined;
        },
      },
    },
    localOnly: { type: Boolean, attribute: 'local-only' },
    algorithm: { type: String, reflect: true },
    evaluate: { type: Boolean, reflect: true },
    progressive: { type: Boolean, reflect: true },
    runtime: { type: String, reflect: true },
    options: {
      attribute: 'options',
      converter: {
        fromAttribute: (v: string | null): Record<string, unknown> | undefined => {
          if (!v) return undefined;
          try {
            const o: unknown = JSON.parse(v);
            return typeof o === 'object' && o !== null && !Array.isArray(o) ? (o as Record<string, unknown>) : undefined;
          } catch {
            console.warn('gradscope-explain: ignoring an options attribute that is not a JSON object');
            return undefined;
          }
        },
      },
    },
    theme: { type: String, reflect: true },
    view: { type: String },
    granularity: { type: String },
    hideSpecial: { type: Boolean, attribute: 'hide-special' },
    mergeSubwords: { type: Boolean, attribute: 'merge-subwords' },
    text: { type: String },
    textPair: { type: String, attribute: 'text-pair' },
    question: { type: String },
    context: { type: String },
    labels: { type: String },
    image: { type: String },
    _status: { state: true },
    _progress: { state: true },
    _message: { state: true },
    _error: { state: true },
    _dragging: { state: true },
    _imageFile: { state: true },
  };

  /** Factory task: `text-classification`, `question-answering`, `image-classification`, ... */
  task = 'text-classification';
  /** Hub id (`org/name`) or a local folder (`/models/x`, `./models/x`: loaded offline). */
  model = '';
  /** `auto` (WebGPU when available, else wasm), `webgpu` or `wasm`. */
  device = 'auto';
  /**
   * Which ONNX file to load, with transformers.js's names: `fp32` (default, `model.onnx`),
   * `fp16`, `q8` (`model_quantized.onnx`), `int8`, `uint8`, `q4`, `q4f16`, `bnb4`. Quantized and
   * fp16 files are explained through their dequantized / float32 function.
   */
  dtype = 'fp32';
  /** Integration steps (default: the explainer's, 50), or `'auto'` (the count is chosen per input; see the result's `autoSteps`). */
  nSteps: number | 'auto' | undefined;
  /** Never touch the network, even for Hub ids (they must be under transformers.js's localModelPath). */
  localOnly = false;
  /** `integrated-gradients` (default), `gradient-x-input`, `saliency` or `smoothgrad` (text tasks). */
  algorithm: string | undefined;
  /** Measure the explanation against the model and show the numbers under it (`evaluate: true`). */
  evaluate = false;
  /**
   * Text tasks: paint gradient x input at once (one backward pass), then replace it with
   * integrated gradients as `nSteps: 'auto'` refines. Intermediate results carry
   * `progressive: { final: false, stage }` and fire `gradscope-intermediate`.
   */
  progressive = false;
  /**
   * `worker` (default): loading and explaining run in a worker the library owns, so the page
   * never freezes. `main-thread`: everything runs on the page's thread (for pages whose
   * Content-Security-Policy forbids workers).
   */
  runtime: ExplainRuntime = 'worker';
  /** Extra explain options of the task (`{"flipSign": true}`, `{"attributionType": "IG"}`, ...). */
  options: Record<string, unknown> | undefined;
  /** `light` or `dark` pins the colour scheme (also for the result). */
  theme: 'light' | 'dark' | undefined;
  /** `auto` (default): the task's own view; `table`: captum's table for text results. */
  view: ResultView = 'auto';
  /** `words` (default): attributions painted on the words of the text; `tokens`: one chip per token. */
  granularity: Granularity = 'words';
  /** Leave special tokens out of the token view. */
  hideSpecial = false;
  /** Merge word pieces in the token view. */
  mergeSubwords = false;
  /** Text input (and preset). */
  text = '';
  /** Second text of a pair. */
  textPair = '';
  /** Question (question answering). */
  question = '';
  /** Context (question answering). */
  context = '';
  /** Candidate labels, comma-separated (zero-shot). */
  labels = '';
  /** Image URL (image classification); a picked or dropped file replaces it. */
  image = '';

  private _status: ExplainStatus = 'idle';
  private _progress: ExplainProgressDetail | undefined;
  private _message = '';
  private _error: string | undefined;
  private _dragging = false;
  private _imageFile: Blob | undefined;
  private _imageFileUrl: string | undefined;
  private _resultUrl: string | undefined;
  private _resultEl: HTMLElement | undefined;
  private _faithEl: HTMLElement | undefined;
  private _result: ExplanationResult | undefined;
  private _timing: { ms: number; device: ResolvedDevice } | undefined;
  private _loadKey: string | undefined;
  private _loading: Promise<LoadedExplainer> | undefined;
  private _controller: AbortController | undefined;
  private readonly _id = `gs-explain-${++ids}`;

  /** What the element is doing now. */
  get status(): ExplainStatus {
    return this._status;
  }

  /** The last result shown. */
  get result(): ExplanationResult | undefined {
    return this._result;
  }

  /** Time and backend of the last explanation. */
  get lastTiming(): { ms: number; device: ResolvedDevice } | undefined {
    return this._timing;
  }

  /** The current inputs, as the explain function receives them. */
  get inputs(): ExplainInputs {
    return {
      text: this.text,
      textPair: this.textPair,
      question: this.question,
      context: this.context,
      labels: splitLabels(this.labels),
      image: this._imageFile ?? (this.image || undefined),
    };
  }

  /** Sets an image file (as picking or dropping one does). */
  setImageFile(file: Blob | undefined): void {
    if (this._imageFileUrl) URL.revokeObjectURL(this._imageFileUrl);
    this._imageFile = file;
    this._imageFileUrl = file ? URL.createObjectURL(file) : undefined;
  }

  /** Cancels a running explanation (no error is shown or fired). */
  cancel(): void {
    const c = this._controller;
    this._controller = undefined;
    if (c && !c.signal.aborted) c.abort();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.cancel();
  }

  protected override willUpdate(changed: PropertyValues): void {
    // Any input change makes a running explanation stale.
    const inputChanged = ['text', 'textPair', 'question', 'context', 'labels', 'image', '_imageFile', 'options', 'nSteps', 'algorithm', 'evaluate', 'progressive'].some((k) => changed.has(k));
    if (inputChanged && this._status === 'running') {
      this.cancel();
    }
    if (changed.has('image') && this.image) this.setImageFile(undefined);
    // A result of another task or model would be misleading next to the new form.
    if ((changed.has('task') || changed.has('model')) && this._result !== undefined) this._clearResult();
    if (['task', 'model', 'device', 'dtype', 'localOnly', 'runtime'].some((k) => changed.has(k))) this._startLoad();
  }

  private get _modelKey(): string {
    return JSON.stringify([this.task, this.model, this.device, this.dtype, this._isLocalOnly, this._runtime]);
  }

  private get _runtime(): ExplainRuntime {
    return this.runtime === 'main-thread' ? 'main-thread' : 'worker';
  }

  private get _isLocalOnly(): boolean {
    return this.localOnly || isLocalModelPath(this.model);
  }

  private _startLoad(force = false): Promise<LoadedExplainer> | undefined {
    if (!this.model) {
      this._loadKey = undefined;
      this._loading = undefined;
      return undefined;
    }
    const key = this._modelKey;
    if (!force && key === this._loadKey && this._loading) return this._loading;
    this.cancel();
    this._loadKey = key;
    this._status = 'loading';
    this._error = undefined;
    this._message = `Loading ${this.model}…`;
    this._setProgress({ stage: 'load', step: 'download', fraction: null });
    let pending = loaded.get(key);
    if (!pending) {
      pending = loadExplainer(this.task, this.model, this.device, this._isLocalOnly, this.dtype, this._runtime, (p) => {
        if (this._loadKey === key) this._setProgress(loadProgress(p));
      });
      loaded.set(key, pending);
      pending.catch(() => loaded.delete(key));
    }
    const mine = pending;
    this._loading = mine;
    mine.then(
      (ex) => {
        if (this._loading !== mine || this._status !== 'loading') return;
        this._status = 'ready';
        this._progress = undefined;
        this._message = `Model ready (${ex.device}).`;
      },
      (err: unknown) => {
        if (this._loading !== mine) return;
        this._fail(err, 'load');
      },
    );
    return mine;
  }

  /**
   * Explains the current inputs and shows the result. Resolves with the result, or
   * undefined when cancelled or failed (the error is shown and `gradscope-error` fired).
   */
  async explain(): Promise<ExplanationResult | undefined> {
    if (!this.model) {
      this._fail(new InputError('No model: set the model attribute to a Hub id (org/name) or a local folder (/models/x or ./models/x).', { code: 'model-not-found' }), 'load');
      return undefined;
    }
    const form = taskForm(this.task);
    const inputs = this.inputs;
    const missing = missingFields(form, inputs);
    if (missing.length > 0) {
      this._fail(new InputError(`Fill in: ${missing.join(', ')}.`, { code: 'missing-input' }), 'explain');
      return undefined;
    }
    // A failed load is retried; a load in progress is awaited. (Before the controller is made:
    // starting a new load cancels the running explanation.)
    const pending = this._status === 'error' ? this._startLoad(true) : this._startLoad();
    this.cancel();
    const controller = new AbortController();
    this._controller = controller;
    let ex: LoadedExplainer;
    try {
      if (!pending) throw new InputError('No model to explain with.', { code: 'model-not-found' });
      ex = await pending;
    } catch {
      return undefined; // shown by _startLoad's handler
    }
    if (controller.signal.aborted || this._controller !== controller) return undefined;
    this._status = 'running';
    this._error = undefined;
    this._message = `Explaining on ${ex.device}…`;
    this._setProgress({ stage: 'explain', step: 'build', fraction: null });
    const args = form.args(inputs);
    const opts: Record<string, unknown> & WorkerCallOptions = {
      ...(this.options ?? {}),
      ...(this.nSteps === 'auto' || (typeof this.nSteps === 'number' && Number.isInteger(this.nSteps) && this.nSteps > 0) ? { nSteps: this.nSteps } : {}),
      ...(this.algorithm ? { algorithm: this.algorithm } : {}),
      ...(this.evaluate ? { evaluate: true } : {}),
      signal: controller.signal,
      onStatus: (p: RuntimeProgress) => {
        if (this._controller === controller) this._setProgress(runProgress(p));
      },
    };
    const t0 = performance.now();
    try {
      const result = this.progressive && this.task !== 'image-classification' ? await this._progressive(ex, args, opts, inputs, controller) : await ex.fn(...args, opts);
      if (this._controller !== controller) return undefined;
      const ms = performance.now() - t0;
      this._controller = undefined;
      this._show(result, inputs);
      this._timing = { ms, device: ex.device };
      this._status = 'done';
      this._progress = undefined;
      this._message = `Explained in ${ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`} on ${ex.device}.`;
      this._emit<ExplainResultDetail>('gradscope-result', { result, ms, device: ex.device, task: this.task, model: this.model });
      return result;
    } catch (err) {
      if (controller.signal.aborted || isAbortError(err)) {
        if (this._controller === undefined || this._controller === controller) {
          this._controller = undefined;
          this._status = 'ready';
          this._progress = undefined;
          this._message = 'Cancelled.';
        }
        return undefined;
      }
      if (this._controller === controller) {
        this._controller = undefined;
        this._fail(err, 'explain');
      }
      return undefined;
    }
  }

  /**
   * Progressive run: gradient x input first (one backward pass, no evaluation), then integrated
   * gradients with `nSteps: 'auto'`, painting each refinement that maps onto the result.
   */
  private async _progressive(ex: LoadedExplainer, args: unknown[], opts: Record<string, unknown>, inputs: ExplainInputs, controller: AbortController): Promise<ExplanationResult> {
    const { markProgressive, refinedResult } = await import('./progressive.js');
    const { evaluate: _e, algorithm: _a, ...previewOpts } = opts;
    const preview = markProgressive(await ex.fn(...args, { ...previewOpts, algorithm: 'gradient-x-input' }), { final: false, stage: 'gradient-x-input' });
    if (this._controller !== controller) return preview;
    this._show(preview, inputs);
    this._emit<ExplainIntermediateDetail>('gradscope-intermediate', { result: preview, stage: 'gradient-x-input' });
    const flipSign = (this.options as { flipSign?: unknown } | undefined)?.flipSign === true;
    const onRefine = ({ nSteps, values }: { nSteps: number; values: Float64Array }): void => {
      if (this._controller !== controller) return;
      const shown = refinedResult(preview, values, nSteps, { flipSign });
      if (!shown) return;
      this._show(shown, inputs);
      this._emit<ExplainIntermediateDetail>('gradscope-intermediate', { result: shown, stage: 'integrated-gradients', nSteps });
    };
    const final = await ex.fn(...args, { ...opts, algorithm: 'integrated-gradients', nSteps: 'auto', onRefine });
    return markProgressive(final, { final: true, stage: 'integrated-gradients', ...((final as { autoSteps?: { nSteps: number } }).autoSteps ? { nSteps: (final as { autoSteps: { nSteps: number } }).autoSteps.nSteps } : {}) });
  }

  private _lastInputs: ExplainInputs | undefined;

  /** Passes the display attributes (theme, granularity, ...) on to the result element. */
  private _applyDisplay(el: HTMLElement): void {
    const view = el as HTMLElement & { granularity?: Granularity; hideSpecial?: boolean; mergeSubwords?: boolean };
    if (this.theme) el.setAttribute('theme', this.theme);
    else el.removeAttribute('theme');
    if (el.localName === 'gradscope-image') {
      el.toggleAttribute('controls', true);
      el.toggleAttribute('side-by-side', true);
      return;
    }
    if (el.localName !== 'gradscope-table') view.granularity = this.granularity;
    view.hideSpecial = this.hideSpecial;
    view.mergeSubwords = this.mergeSubwords || (el.localName === 'gradscope-table' && this.granularity === 'words');
  }

  protected override updated(changed: PropertyValues): void {
    super.updated?.(changed);
    if (changed.has('view') && this._result !== undefined && this._lastInputs !== undefined && changed.get('view') !== undefined) {
      this._show(this._result, this._lastInputs);
    } else if (this._resultEl && ['theme', 'granularity', 'hideSpecial', 'mergeSubwords'].some((k) => changed.has(k))) {
      this._applyDisplay(this._resultEl);
    }
  }

  private _show(result: ExplanationResult, inputs: ExplainInputs): void {
    const tag = elementTagForResult(result, this.view);
    const el = document.createElement(tag) as HTMLElement & { result?: ExplanationResult; imageSrc?: string };
    el.result = result;
    this._lastInputs = inputs;
    this._applyDisplay(el);
    if (this._resultUrl) URL.revokeObjectURL(this._resultUrl);
    this._resultUrl = undefined;
    if (tag === 'gradscope-image' && inputs.image !== undefined) {
      // The element draws the heat map over the image the user gave.
      if (typeof inputs.image === 'string') el.imageSrc = new URL(inputs.image, document.baseURI).href;
      else el.imageSrc = this._resultUrl = URL.createObjectURL(inputs.image);
    }
    this._result = result;
    this._resultEl = el;
    this._faithEl = undefined;
    if ((result as { faithfulness?: unknown }).faithfulness !== undefined) {
      const f = document.createElement('gradscope-faithfulness');
      f.result = result;
      if (this.theme) f.setAttribute('theme', this.theme);
      this._faithEl = f;
    }
    this.requestUpdate();
  }

  private _clearResult(): void {
    if (this._resultUrl) URL.revokeObjectURL(this._resultUrl);
    this._resultUrl = undefined;
    this._result = undefined;
    this._resultEl = undefined;
    this._faithEl = undefined;
    this._timing = undefined;
  }

  private _fail(err: unknown, stage: 'load' | 'explain'): void {
    const { message, code } = errorInfo(err);
    this._status = 'error';
    this._progress = undefined;
    this._error = message;
    this._message = stage === 'load' ? 'The model could not be loaded.' : 'The explanation failed.';
    this._emit<ExplainErrorDetail>('gradscope-error', { error: err, message, code, stage });
  }

  private _setProgress(p: ExplainProgressDetail): void {
    this._progress = p;
    this._emit<ExplainProgressDetail>('gradscope-progress', p);
  }

  private _emit<T>(type: string, detail: T): void {
    this.dispatchEvent(new CustomEvent<T>(type, { detail, bubbles: true, composed: true }));
  }

  private _setInput(name: ExplainFieldSpec['name'], value: string): void {
    if (name === 'image') return;
    this[name] = value;
  }

  private _onKeydown = (e: KeyboardEvent): void => {
    if (e.key === 'Escape' && this._status === 'running') {
      e.preventDefault();
      this.cancel();
    } else if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && e.target instanceof HTMLTextAreaElement) {
      e.preventDefault();
      void this.explain();
    }
  };

  private _onDrop = (e: DragEvent): void => {
    e.preventDefault();
    this._dragging = false;
    const file = Array.from(e.dataTransfer?.files ?? []).find((f) => f.type.startsWith('image/'));
    if (file) this.setImageFile(file);
    else this._fail(new InputError('Drop an image file (PNG, JPEG, WebP, ...).', { code: 'bad-image' }), 'explain');
  };

  private _renderField(f: ExplainFieldSpec): TemplateResult {
    const id = `${this._id}-${f.name}`;
    const hintId = `${id}-hint`;
    const hint = f.hint ? html`<span class="gs-hint" id=${hintId}>${f.hint}</span>` : nothing;
    if (f.control === 'image') {
      const preview = this._imageFileUrl ?? (this.image || undefined);
      return html`<div class="gs-field" part="field">
        <label part="label" for=${id}>${f.label}</label>
        <div
          class="gs-drop ${this._dragging ? 'gs-dragging' : ''}"
          part="dropzone"
          @dragover=${(e: DragEvent) => {
            e.preventDefault();
            this._dragging = true;
          }}
          @dragleave=${() => (this._dragging = false)}
          @drop=${this._onDrop}
        >
          <input
            id=${id}
            type="file"
            accept="image/*"
            aria-describedby=${hintId}
            @change=${(e: Event) => this.setImageFile((e.target as HTMLInputElement).files?.[0])}
          />
          ${preview ? html`<img src=${preview} alt="The image to explain" />` : nothing}
        </div>
        ${hint}
      </div>`;
    }
    const value = f.name === 'labels' ? this.labels : this[f.name];
    const onInput = (e: Event): void => this._setInput(f.name, (e.target as HTMLInputElement | HTMLTextAreaElement).value);
    const control =
      f.control === 'textarea'
        ? html`<textarea id=${id} part="input" name=${FIELD_ATTRIBUTES[f.name]} placeholder=${f.placeholder ?? nothing}
            aria-describedby=${f.hint ? hintId : nothing} .value=${live(value)} @input=${onInput}></textarea>`
        : html`<input id=${id} part="input" type="text" name=${FIELD_ATTRIBUTES[f.name]} placeholder=${f.placeholder ?? nothing}
            aria-describedby=${f.hint ? hintId : nothing} .value=${live(value)} @input=${onInput} />`;
    return html`<div class="gs-field" part="field"><label part="label" for=${id}>${f.label}</label>${control}${hint}</div>`;
  }

  private _renderProgress(): TemplateResult {
    const p = this._progress;
    const busy = this._status === 'loading' || this._status === 'running';
    const label = p?.stage === 'load' ? 'Loading the model' : 'Explaining';
    const text = p ? progressText(p) : '';
    return html`<div class="gs-progress" part="progress" ?hidden=${!busy || !p}>
      ${p && p.fraction !== null
        ? html`<progress id=${`${this._id}-progress`} max="1" .value=${p.fraction} aria-label=${label} aria-valuetext=${text}></progress>`
        : html`<progress id=${`${this._id}-progress`} aria-label=${label} aria-valuetext=${text}></progress>`}
      <span class="gs-hint" aria-hidden="true">${text}</span>
    </div>`;
  }

  override render(): TemplateResult {
    const form = taskForm(this.task);
    const running = this._status === 'running';
    return html`<form
        part="form"
        aria-label=${`Explain: ${form.title}`}
        aria-busy=${this._status === 'loading' || running ? 'true' : 'false'}
        @submit=${(e: Event) => {
          e.preventDefault();
          void this.explain();
        }}
        @keydown=${this._onKeydown}
      >
        ${form.fields.map((f) => this._renderField(f))}
        <div class="gs-actions" part="actions">
          <button type="submit" part="button" ?disabled=${!this.model}>Explain</button>
          <button type="button" part="cancel" data-kind="cancel" ?hidden=${!running} @click=${() => this.cancel()}>Cancel</button>
        </div>
      </form>
      ${this._renderProgress()}
      <div class="gs-status" part="status" role="status" aria-live="polite">${this._message}</div>
      <div class="gs-error" part="error" role="alert" ?hidden=${this._error === undefined}>${this._error ?? ''}</div>
      <div class="gs-result" part="result">${this._resultEl ?? nothing}${this._faithEl ?? nothing}</div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'gradscope-explain': GradscopeExplain;
  }
}
