/**
 * How an element gets its result: the `result` property, the same JSON in a `result`
 * attribute, or a `<script type="application/json">` child (for static pages showing
 * results the CLI wrote earlier). Shared by all elements through {@link ResultElement}.
 */
import { LitElement, type PropertyDeclarations } from 'lit';
import type { ExplanationResult } from '../src/types.js';
import { type ExplanationResultInput, normalizeResult } from '../src/viz/tensor-codec.js';

/** Parses the `result` attribute; a bad value is reported and ignored rather than thrown from the parser. */
export function parseResultAttribute(value: string | null): ExplanationResult | undefined {
  if (value === null || value.trim() === '') return undefined;
  try {
    return normalizeResult(value);
  } catch (err) {
    console.warn('gradscope: ignoring a result attribute that is not valid result JSON', err);
    return undefined;
  }
}

/** Reads the first `<script type="application/json">` child of `host`, if any. */
export function readScriptResult(host: Element): ExplanationResult | undefined {
  const script = Array.from(host.children).find(
    (el): el is HTMLScriptElement => el instanceof HTMLScriptElement && el.type === 'application/json',
  );
  return script ? parseResultAttribute(script.textContent) : undefined;
}

/**
 * Base class: a `result` property (also settable as JSON, encoded tensors allowed), a
 * `theme` attribute, and pick-up of a JSON script child. Not registered as an element.
 */
export class ResultElement extends LitElement {
  static override properties: PropertyDeclarations = {
    result: {
      attribute: 'result',
      converter: { fromAttribute: (v: string | null) => parseResultAttribute(v) },
      // Our own accessor below decodes JSON forms; a result is never written back to the attribute.
      noAccessor: true,
    },
    theme: { type: String, reflect: true },
  };

  /**
   * The result to show. Accepts the objects the explainers return, or the CLI's JSON form
   * (image tensors as `{ shape, dtype, base64 }`), which is decoded on assignment.
   */
  get result(): ExplanationResult | undefined {
    return this._result;
  }
  set result(value: ExplanationResult | ExplanationResultInput | string | undefined) {
    const old = this._result;
    this._result = value === undefined || value === null ? undefined : normalizeResult(value);
    this.requestUpdate('result', old);
  }
  private _result: ExplanationResult | undefined;

  /** `light` or `dark` pins the colour scheme; unset follows `prefers-color-scheme`. */
  theme: 'light' | 'dark' | undefined;

  /** The theme in effect: the `theme` attribute, else the page's `prefers-color-scheme`. */
  get effectiveTheme(): 'light' | 'dark' {
    if (this.theme === 'light' || this.theme === 'dark') return this.theme;
    return typeof matchMedia !== 'undefined' && matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
  }

  private _childObserver: MutationObserver | undefined;
  private _schemeQuery: MediaQueryList | undefined;
  // Colours are computed in script from the theme, so a system theme change must re-render.
  private readonly _onScheme = (): void => this.requestUpdate();

  override connectedCallback(): void {
    super.connectedCallback();
    if (typeof matchMedia !== 'undefined') {
      this._schemeQuery = matchMedia('(prefers-color-scheme: dark)');
      this._schemeQuery.addEventListener('change', this._onScheme);
    }
    this._adoptScriptChild();
    // The element may upgrade before the parser has added its script child: watch for it.
    this._childObserver = new MutationObserver(() => this._adoptScriptChild());
    this._childObserver.observe(this, { childList: true, subtree: true, characterData: true });
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this._schemeQuery?.removeEventListener('change', this._onScheme);
    this._schemeQuery = undefined;
    this._childObserver?.disconnect();
    this._childObserver = undefined;
  }

  private _fromScript = false;
  private _adoptScriptChild(): void {
    if (this._result !== undefined && !this._fromScript) return; // property or attribute wins
    const r = readScriptResult(this);
    if (r !== undefined) {
      this._fromScript = true;
      this.result = r;
    }
  }
}
