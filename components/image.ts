/**
 * `<gradscope-image>`: image attributions drawn with captum's methods on a canvas.
 */
import { html, nothing, type PropertyDeclarations, type PropertyValues, type TemplateResult } from 'lit';
import type { ImageClassificationResult } from '../src/types.js';
import { colorBar, cssGradient } from '../src/viz/color-bar.js';
import { IMAGE_METHODS, IMAGE_SIGNS, type ImageMethod, type ImageVisualization, visualizeImageResult } from '../src/viz/image.js';
import { type ImageSign, parseImageSign } from '../src/viz/image-normalize.js';
import { detectResultKind } from '../src/viz/result-kind.js';
import type { PixelNormalization, RgbaImage } from '../src/viz/rgba.js';
import { imageStyles } from './image.styles.js';
import { ResultElement } from './result-source.js';

/** Detail of `gradscope-image-render`. */
export interface ImageRenderDetail {
  method: ImageVisualization['method'];
  sign: ImageSign;
  threshold: number;
  warnings: string[];
}

/** Detail of `gradscope-options-change` (the built-in controls changed an option). */
export interface ImageOptionsDetail {
  method: ImageMethod;
  sign: ImageSign;
  outlierThreshold: number;
  sideBySide: boolean;
}

const numberList = {
  fromAttribute: (v: string | null): number[] | undefined =>
    v === null || v.trim() === '' ? undefined : v.split(/[\s,]+/).filter(Boolean).map(Number),
  toAttribute: (v: number[] | undefined): string | null => (v ? v.join(',') : null),
};

const METHOD_TITLES: Record<ImageVisualization['method'], string> = {
  heatmap: 'Heatmap IG',
  overlay: 'Heatmap overlay IG',
  masked_image: 'Masked image IG',
  alpha_scaling: 'Alpha scaled IG',
};

function toImageData(img: RgbaImage): ImageData {
  return new ImageData(new Uint8ClampedArray(img.data), img.width, img.height);
}

/**
 * Image attributions ([1, 3, H, W]) drawn with captum's methods: `heatmap`, `overlay`
 * (blended heat map), `masked_image`, `alpha_scaling`; sign `all` / `positive` /
 * `negative` / `absolute`; captum's outlier threshold; optional side-by-side original; a
 * colour bar for the heat-map methods; the predicted class as caption.
 *
 * The background image is, in order: `originalImage` / `image-src` (the unprocessed image,
 * resized to the attribution size) unless `pixels="processed"`, else the result's
 * `pixelValues` (de-normalised with `pixel-mean`/`pixel-std` when given).
 *
 * @example
 * ```html
 * <gradscope-image method="overlay" sign="all" outlier-threshold="0.1" side-by-side
 *   image-src="cat.png" controls>
 *   <script type="application/json">{ "attributions": {"shape": [1,3,224,224], "dtype": "float32", "base64": "..."}, ... }</script>
 * </gradscope-image>
 * ```
 *
 * @tag gradscope-image
 * @fires gradscope-image-render - After each drawing; detail: {@link ImageRenderDetail}.
 * @fires gradscope-options-change - The built-in controls changed an option; detail: {@link ImageOptionsDetail}.
 * @csspart canvas - The visualisation canvas.
 * @csspart original - The original image canvas (side by side).
 * @csspart colorbar - The colour bar.
 * @csspart caption - The caption.
 * @csspart controls - The option controls.
 * @cssprop --gradscope-canvas-bg - Background behind transparent pixels (alpha_scaling). Default white.
 * @cssprop --gradscope-panel-gap - Space between side-by-side panels.
 */
export class GradscopeImage extends ResultElement {
  static override styles = imageStyles;

  static override properties: PropertyDeclarations = {
    method: { type: String, reflect: true },
    sign: { type: String, reflect: true },
    outlierThreshold: { type: Number, attribute: 'outlier-threshold' },
    sideBySide: { type: Boolean, attribute: 'side-by-side' },
    pixels: { type: String },
    imageSrc: { type: String, attribute: 'image-src' },
    originalImage: { attribute: false },
    pixelMean: { attribute: 'pixel-mean', converter: numberList },
    pixelStd: { attribute: 'pixel-std', converter: numberList },
    alphaOverlay: { type: Number, attribute: 'alpha-overlay' },
    zoom: { type: Number },
    controls: { type: Boolean },
    _loaded: { state: true, attribute: false },
  };

  /** Drawing method. Default `overlay` (transformers-interpret's default). */
  method: ImageMethod = 'overlay';
  /** Which attributions to show. Default `all`. */
  sign: ImageSign | 'absolute_value' = 'all';
  /** Fraction of total |attribution| treated as outliers, as transformers-interpret's `outlier_threshold`. Default 0.1. */
  outlierThreshold = 0.1;
  /** Show the original image beside the visualisation. */
  sideBySide = false;
  /** `original` (default): prefer the unprocessed image; `processed`: draw the model input. */
  pixels: 'original' | 'processed' = 'original';
  /** URL of the unprocessed image (loaded with CORS "anonymous"). */
  imageSrc: string | undefined;
  /** The unprocessed image as pixels (takes precedence over `image-src`). */
  originalImage: RgbaImage | undefined;
  /** Processor `image_mean`, to draw `pixelValues` as the model saw them. */
  pixelMean: number[] | undefined;
  /** Processor `image_std`. */
  pixelStd: number[] | undefined;
  /** Heat-map alpha for `overlay`. Default 0.5. */
  alphaOverlay = 0.5;
  /** CSS pixels per image pixel. Default 1. */
  zoom = 1;
  /** Show method / sign / outlier / side-by-side controls. */
  controls = false;

  private _loaded: RgbaImage | undefined;
  private _loadingSrc: string | undefined;
  private _viz: ImageVisualization | undefined;
  private _error: string | undefined;

  /** The last visualisation drawn (pixels, normalised map, warnings). */
  get visualization(): ImageVisualization | undefined {
    return this._viz;
  }

  private get _imageResult(): ImageClassificationResult | undefined {
    const r = this.result;
    return r !== undefined && detectResultKind(r) === 'image' ? (r as ImageClassificationResult) : undefined;
  }

  protected override willUpdate(changed: PropertyValues): void {
    if (changed.has('imageSrc')) this._load(this.imageSrc);
    const r = this._imageResult;
    this._viz = undefined;
    this._error = undefined;
    if (!r) return;
    const normalization: PixelNormalization | undefined =
      this.pixelMean && this.pixelStd ? { mean: this.pixelMean, std: this.pixelStd } : undefined;
    try {
      this._viz = visualizeImageResult(r, {
        method: this.method,
        sign: parseImageSign(this.sign),
        outlierPerc: Math.min(this.outlierThreshold * 100, 100),
        alphaOverlay: this.alphaOverlay,
        originalImage: this.originalImage ?? this._loaded,
        useOriginalImagePixels: this.pixels !== 'processed',
        pixelNormalization: normalization,
      });
    } catch (err) {
      this._error = err instanceof Error ? err.message : String(err);
    }
  }

  private _load(src: string | undefined): void {
    this._loaded = undefined;
    this._loadingSrc = src;
    if (!src) return;
    const img = new Image();
    img.crossOrigin = 'anonymous';
    img.onload = () => {
      if (this._loadingSrc !== src) return;
      const canvas = document.createElement('canvas');
      canvas.width = img.naturalWidth;
      canvas.height = img.naturalHeight;
      const ctx = canvas.getContext('2d');
      if (!ctx) return;
      ctx.drawImage(img, 0, 0);
      const data = ctx.getImageData(0, 0, canvas.width, canvas.height);
      this._loaded = { width: data.width, height: data.height, data: data.data };
    };
    img.onerror = () => {
      if (this._loadingSrc === src) this._error = `could not load image ${src}`;
      this.requestUpdate();
    };
    img.src = src;
  }

  override render(): TemplateResult {
    const r = this._imageResult;
    if (!r) {
      return html`${this._controls()}<p class="gs-empty">${this.result ? 'This result is not an image result; use <gradscope-table>.' : 'No result to show.'}</p>`;
    }
    const viz = this._viz;
    const caption = `Prediction: ${r.predictedClassName} (${r.predictedProbability.toFixed(2)})`;
    if (!viz) return html`${this._controls()}<p class="gs-warning" role="alert">${this._error ?? ''}</p>`;
    const width = viz.panel.width * this.zoom;
    const height = viz.panel.height * this.zoom;
    const bar = viz.colorScale ? colorBar(viz.colorScale.colormap, viz.colorScale.vmin, viz.colorScale.vmax) : undefined;
    const title = `${METHOD_TITLES[viz.method]}. ${caption}`;
    const label = `Attributions for class ${r.attributionClassName}, ${viz.method.replace('_', ' ')}, sign ${viz.sign}`;
    return html`${this._controls()}
      <div class="gs-panels">
        ${this.sideBySide && viz.original
          ? html`<figure>
              <canvas part="original" class="gs-original" width=${viz.original.width} height=${viz.original.height}
                style="width: ${width}px; height: ${height}px" role="img" aria-label="Original image"></canvas>
              <figcaption>Original Image</figcaption>
            </figure>`
          : nothing}
        <figure>
          <canvas part="canvas" class="gs-panel" width=${viz.panel.width} height=${viz.panel.height}
            style="width: ${width}px; height: ${height}px" role="img" aria-label=${label}></canvas>
          ${bar
            ? html`<div part="colorbar" class="gs-colorbar" style="width: ${width}px; background: ${cssGradient(bar)}" role="img"
                  aria-label=${`Colour scale from ${bar.ticks[0]?.label ?? ''} to ${bar.ticks[bar.ticks.length - 1]?.label ?? ''}`}></div>
                <div class="gs-ticks" style="width: ${width}px" aria-hidden="true">
                  ${bar.ticks.map((t) => html`<span style="left: ${(t.offset * 100).toFixed(2)}%">${t.label}</span>`)}
                </div>`
            : nothing}
          <figcaption part="caption">${this.sideBySide ? title : caption}</figcaption>
        </figure>
      </div>
      ${viz.warnings.length > 0 ? html`<p class="gs-warning" role="status">${viz.warnings.join(' ')}</p>` : nothing}`;
  }

  private _controls(): TemplateResult | typeof nothing {
    if (!this.controls) return nothing;
    const sign = (() => {
      try {
        return parseImageSign(this.sign);
      } catch {
        return 'all';
      }
    })();
    return html`<div class="gs-controls" part="controls">
      <label>Method
        <select @change=${(e: Event) => this._set({ method: (e.target as HTMLSelectElement).value as ImageMethod })}>
          ${IMAGE_METHODS.map((m) => html`<option value=${m} ?selected=${m === (this.method === 'blended_heat_map' ? 'overlay' : this.method)}>${m.replace('_', ' ')}</option>`)}
        </select>
      </label>
      <label>Sign
        <select @change=${(e: Event) => this._set({ sign: (e.target as HTMLSelectElement).value as ImageSign })}>
          ${IMAGE_SIGNS.map((s) => html`<option value=${s} ?selected=${s === sign}>${s}</option>`)}
        </select>
      </label>
      <label>Outliers
        <input type="number" min="0" max="1" step="0.01" .value=${String(this.outlierThreshold)}
          @change=${(e: Event) => this._set({ outlierThreshold: Number((e.target as HTMLInputElement).value) })} />
      </label>
      <label><input type="checkbox" .checked=${this.sideBySide}
          @change=${(e: Event) => this._set({ sideBySide: (e.target as HTMLInputElement).checked })} /> Side by side</label>
    </div>`;
  }

  private _set(change: Partial<ImageOptionsDetail>): void {
    if (change.method !== undefined) this.method = change.method;
    if (change.sign !== undefined) this.sign = change.sign;
    if (change.outlierThreshold !== undefined && Number.isFinite(change.outlierThreshold)) this.outlierThreshold = change.outlierThreshold;
    if (change.sideBySide !== undefined) this.sideBySide = change.sideBySide;
    const detail: ImageOptionsDetail = {
      method: this.method,
      sign: parseImageSign(this.sign),
      outlierThreshold: this.outlierThreshold,
      sideBySide: this.sideBySide,
    };
    this.dispatchEvent(new CustomEvent<ImageOptionsDetail>('gradscope-options-change', { detail, bubbles: true, composed: true }));
  }

  protected override updated(): void {
    const viz = this._viz;
    if (!viz) return;
    const root = this.renderRoot as ShadowRoot;
    root.querySelector<HTMLCanvasElement>('canvas.gs-panel')?.getContext('2d')?.putImageData(toImageData(viz.panel), 0, 0);
    if (viz.original) root.querySelector<HTMLCanvasElement>('canvas.gs-original')?.getContext('2d')?.putImageData(toImageData(viz.original), 0, 0);
    const detail: ImageRenderDetail = { method: viz.method, sign: viz.sign, threshold: viz.threshold, warnings: viz.warnings };
    this.dispatchEvent(new CustomEvent<ImageRenderDetail>('gradscope-image-render', { detail, bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'gradscope-image': GradscopeImage;
  }
}
