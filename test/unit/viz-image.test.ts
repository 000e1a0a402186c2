import { decode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { colorBar, cssGradient } from '../../src/viz/color-bar.js';
import { blues, cssColor, greens, linearColormap, lutIndex, rdWhGn, reds } from '../../src/viz/colormap.js';
import { visualizeImage, visualizeImageResult } from '../../src/viz/image.js';
import { channelSum, cumulativeSumThreshold, normalizeImageAttributions, type ImageSign } from '../../src/viz/image-normalize.js';
import { encodePng, pngDataUrl } from '../../src/viz/png.js';
import { pixelValuesToRgba, resizeRgba, sideBySide, type RgbaImage } from '../../src/viz/rgba.js';
import { imageResult } from './viz-fixture-results.js';

const result = imageResult('vit', 'ig');
const [, C, H, W] = result.shape;

// ---- Reference implementation of the spec's formulas, written independently of src/viz ----
function specChannelSum(a: Float32Array): number[] {
  const out: number[] = [];
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      let s = 0;
      for (let c = 0; c < C; c++) s += a[c * H * W + y * W + x] ?? 0;
      out.push(s);
    }
  return out;
}
function specThreshold(values: number[], percentile: number): number {
  const sorted = [...values].sort((p, q) => p - q);
  let cum = 0;
  const cums = sorted.map((v) => (cum += v));
  const total = cums[cums.length - 1] ?? 0;
  const i = cums.findIndex((c) => c >= total * 0.01 * percentile);
  return sorted[i] ?? NaN;
}
function specNormalize(map: number[], sign: ImageSign, outlierPerc: number): number[] {
  const kept = map.map((v) => (sign === 'positive' ? Math.max(v, 0) : sign === 'negative' ? Math.min(v, 0) : sign === 'absolute' ? Math.abs(v) : v));
  let t = specThreshold(kept.map(Math.abs), 100 - outlierPerc);
  if (sign === 'negative') t = -t;
  return kept.map((v) => Math.min(1, Math.max(-1, v / t)));
}
// matplotlib colour lookup: t = (v - vmin) / (vmax - vmin), index int(t * 256) (t = 1 -> 255).
function specLut(v: number, vmin: number, vmax: number): number {
  const t = (v - vmin) / (vmax - vmin);
  return t >= 1 ? 255 : Math.max(0, Math.floor(t * 256));
}
const px = (img: RgbaImage, x: number, y: number): number[] => Array.from(img.data.subarray((y * img.width + x) * 4, (y * img.width + x) * 4 + 4));
const SAMPLES: [number, number][] = [
  [0, 0],
  [100, 100],
  [37, 190],
  [223, 223],
  [112, 5],
];

describe('normalisation (captum _normalize_attr)', () => {
  const map = specChannelSum(result.attributions);

  it('sums channels into [H, W]', () => {
    const got = channelSum(result.attributions, result.shape);
    expect(got.length).toBe(H * W);
    for (let i = 0; i < got.length; i += 997) expect(got[i]).toBe(map[i]);
  });

  it('finds the cumulative-sum threshold', () => {
    expect(cumulativeSumThreshold([1, 2, 3, 4], 90)).toBe(4);
    expect(cumulativeSumThreshold([1, 2, 3, 4], 50)).toBe(3);
    expect(cumulativeSumThreshold([4, 3, 2, 1], 0)).toBe(1);
    expect(() => cumulativeSumThreshold([1], 101)).toThrow();
  });

  // Thresholds computed once with numpy from the same file, following captum's code.
  const NUMPY: Record<number, Record<ImageSign, number>> = {
    10: { all: 0.0038559891982004046, positive: 0.003836783937913424, negative: -0.003864487080136314, absolute: 0.0038559891982004046 },
    2: { all: 0.00535964360460639, positive: 0.0053509395802393556, negative: -0.0053698658011853695, absolute: 0.00535964360460639 },
  };
  for (const perc of [10, 2]) {
    for (const sign of ['all', 'positive', 'negative', 'absolute'] as ImageSign[]) {
      it(`sign ${sign}, outlier ${perc}%: equals the spec formula and numpy`, () => {
        const got = normalizeImageAttributions(channelSum(result.attributions, result.shape), sign, perc);
        expect(got.threshold).toBe(NUMPY[perc]?.[sign]);
        const want = specNormalize(map, sign, perc);
        for (let i = 0; i < want.length; i++) if (got.values[i] !== want[i]) expect(got.values[i]).toBe(want[i]);
        const lo = sign === 'all' ? -1 : 0;
        expect(Math.min(...got.values)).toBeGreaterThanOrEqual(lo);
        expect(Math.max(...got.values)).toBeLessThanOrEqual(1);
        expect(got.values.filter((v) => Math.abs(v) === 1).length).toBeGreaterThan(0);
      });
    }
  }

  it('gives zeros, not a division by zero, when nothing has the sign', () => {
    const got = normalizeImageAttributions([0.1, 0.2], 'negative', 10);
    expect(Array.from(got.values)).toEqual([0, 0]);
    expect(got.threshold === 0).toBe(true);
  });
});

describe('colour maps (matplotlib-style tables from d3 colours)', () => {
  it('RdWhGn runs red -> white -> green', () => {
    expect(cssColor(rdWhGn(), -1, -1, 1)).toBe('rgb(255, 0, 0)');
    expect(cssColor(rdWhGn(), 1, -1, 1)).toBe('rgb(0, 128, 0)');
    const mid = cssColor(rdWhGn(), 0, -1, 1).match(/\d+/g)?.map(Number) ?? [];
    expect(Math.min(...mid)).toBeGreaterThanOrEqual(253);
  });
  it('single-hue maps start light and end at ColorBrewer darkest', () => {
    expect(cssColor(greens(), 1, 0, 1)).toBe('rgb(0, 68, 27)'); // #00441b
    expect(cssColor(reds(), 1, 0, 1)).toBe('rgb(103, 0, 13)'); // #67000d
    expect(cssColor(blues(), 1, 0, 1)).toBe('rgb(8, 48, 107)'); // #08306b
    // matplotlib turns its float table into bytes by truncation: #f7fcf5 ends up one level lower on some channels.
    const first = cssColor(greens(), 0, 0, 1).match(/\d+/g)?.map(Number) ?? [];
    expect(first[0]).toBeGreaterThanOrEqual(246);
  });
  it('interpolates linearly between anchors', () => {
    const bw = linearColormap('bw', ['black', 'white']);
    for (let i = 0; i < 256; i++) expect(Math.abs((bw.lut[i * 4] ?? 0) - i)).toBeLessThanOrEqual(1);
  });
  it('looks values up like matplotlib', () => {
    expect(lutIndex(0)).toBe(0);
    expect(lutIndex(0.5)).toBe(128);
    expect(lutIndex(1)).toBe(255);
    expect(lutIndex(1.5)).toBe(255);
    expect(lutIndex(-0.5)).toBe(0);
  });
  it('builds a colour bar with d3 ticks', () => {
    const bar = colorBar(rdWhGn(), -1, 1);
    expect(bar.stops[0]?.color).toBe('rgb(255, 0, 0)');
    expect(bar.stops[bar.stops.length - 1]?.color).toBe('rgb(0, 128, 0)');
    expect(bar.ticks.map((t) => t.value)).toContain(0);
    expect(bar.ticks.find((t) => t.value === 0)?.offset).toBe(0.5);
    expect(cssGradient(bar)).toMatch(/^linear-gradient\(to right, rgb\(255, 0, 0\) 0\.00%/);
  });
});

describe('image methods', () => {
  const map = specChannelSum(result.attributions);
  const pixelValues = result.pixelValues as Float32Array;
  // captum with a float image in [-1, 1] (max <= 1): trunc(v * 255), clipped to [0, 255].
  const specOriginal = (x: number, y: number): number[] => [
    ...[0, 1, 2].map((c) => Math.max(0, Math.min(255, Math.trunc((pixelValues[c * H * W + y * W + x] ?? 0) * 255)))),
    255,
  ];

  it('heatmap, sign all: RdWhGn of the normalised map', () => {
    const viz = visualizeImageResult(result, { method: 'heatmap', sign: 'all', outlierPerc: 10 });
    const norm = specNormalize(map, 'all', 10);
    const lut = rdWhGn().lut;
    for (const [x, y] of SAMPLES) {
      const k = specLut(norm[y * W + x] ?? 0, -1, 1) * 4;
      expect(px(viz.image, x, y)).toEqual([lut[k], lut[k + 1], lut[k + 2], 255]);
    }
    expect(viz.image.width).toBe(W);
    expect(viz.colorScale?.colormap.name).toBe('RdWhGn');
  });

  for (const [sign, cmap] of [
    ['positive', greens],
    ['negative', reds],
    ['absolute', blues],
  ] as const) {
    it(`heatmap, sign ${sign}: ${cmap().name} over [0, 1]`, () => {
      const viz = visualizeImage(result.attributions, result.shape, { method: 'heatmap', sign });
      const norm = specNormalize(map, sign, 10);
      const lut = cmap().lut;
      for (const [x, y] of SAMPLES) {
        const k = specLut(norm[y * W + x] ?? 0, 0, 1) * 4;
        expect(px(viz.image, x, y)).toEqual([lut[k], lut[k + 1], lut[k + 2], 255]);
      }
    });
  }

  it('overlay (blended_heat_map): heat map at alpha 0.5 over the stretched gray image', () => {
    const viz = visualizeImageResult(result, { method: 'blended_heat_map', sign: 'all', useOriginalImagePixels: false });
    expect(viz.method).toBe('overlay');
    const norm = specNormalize(map, 'all', 10);
    const means: number[] = [];
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
      const [r, g, b] = specOriginal(x, y);
      means.push(((r ?? 0) + (g ?? 0) + (b ?? 0)) / 3);
    }
    const lo = Math.min(...means);
    const hi = Math.max(...means);
    const lut = rdWhGn().lut;
    const grayLut = linearColormap('g', ['black', 'white']).lut;
    for (const [x, y] of SAMPLES) {
      const k = specLut(norm[y * W + x] ?? 0, -1, 1) * 4;
      const g = grayLut[specLut(means[y * W + x] ?? 0, lo, hi) * 4] ?? 0;
      const want = [0, 1, 2].map((c) => Math.round(0.5 * (lut[k + c] ?? 0) + 0.5 * g));
      expect(px(viz.image, x, y)).toEqual([...want, 255]);
    }
  });

  it('masked_image: image times the map; sign all falls back to positive with a warning', () => {
    const warned: string[] = [];
    const viz = visualizeImageResult(result, { method: 'masked_image', sign: 'all', onWarning: (m) => warned.push(m) });
    expect(viz.sign).toBe('positive');
    expect(warned).toHaveLength(1);
    expect(viz.warnings).toEqual(warned);
    const norm = specNormalize(map, 'positive', 10);
    for (const [x, y] of SAMPLES) {
      const orig = specOriginal(x, y);
      const want = [0, 1, 2].map((c) => Math.trunc((orig[c] ?? 0) * (norm[y * W + x] ?? 0)));
      expect(px(viz.image, x, y)).toEqual([...want, 255]);
    }
    expect(viz.colorScale).toBeUndefined();
  });

  it('alpha_scaling: image with alpha = trunc(255 * map)', () => {
    const viz = visualizeImageResult(result, { method: 'alpha_scaling', sign: 'absolute' });
    expect(viz.warnings).toEqual([]);
    const norm = specNormalize(map, 'absolute', 10);
    for (const [x, y] of SAMPLES) {
      const orig = specOriginal(x, y);
      expect(px(viz.image, x, y)).toEqual([orig[0], orig[1], orig[2], Math.trunc(255 * (norm[y * W + x] ?? 0))]);
    }
    expect(visualizeImageResult(result, { method: 'alpha_scaling', sign: 'all' }).sign).toBe('positive');
  });

  it('side by side: original left, visualisation right', () => {
    const viz = visualizeImageResult(result, { method: 'heatmap', sideBySide: true, sideBySideGap: 4 });
    expect(viz.image.width).toBe(2 * W + 4);
    expect(px(viz.image, 100, 100)).toEqual(specOriginal(100, 100));
    expect(px(viz.image, W + 1, 0)).toEqual([0, 0, 0, 0]); // gap is transparent
    expect(px(viz.image, W + 4 + 100, 100)).toEqual(px(viz.panel, 100, 100));
  });

  it('uses the original image pixels when given (resized to the attribution size)', () => {
    const big: RgbaImage = { width: 2 * W, height: 2 * H, data: new Uint8ClampedArray(4 * W * H * 4).fill(200) };
    const viz = visualizeImageResult(result, { method: 'masked_image', sign: 'positive', originalImage: big });
    expect(viz.original?.width).toBe(W);
    expect(px(viz.original as RgbaImage, 10, 10)).toEqual([200, 200, 200, 200]);
    const off = visualizeImageResult(result, { method: 'masked_image', sign: 'positive', originalImage: big, useOriginalImagePixels: false });
    expect(px(off.original as RgbaImage, 100, 100)).toEqual(specOriginal(100, 100));
  });

  it('can undo the processor normalisation for display', () => {
    const img = pixelValuesToRgba(pixelValues, result.shape, { mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] });
    const v = pixelValues[100 * W + 100] ?? 0;
    expect(px(img, 100, 100)[0]).toBe(Math.trunc((v * 0.5 + 0.5) * 255));
  });

  it('needs an image for methods other than heatmap', () => {
    expect(() => visualizeImage(result.attributions, result.shape, { method: 'overlay' })).toThrow(/needs the image/);
    expect(() => visualizeImage(result.attributions, result.shape, { method: 'nope' as never })).toThrow(/method/);
  });
});

describe('RGBA helpers and PNG', () => {
  it('resizes and composes', () => {
    const one: RgbaImage = { width: 1, height: 1, data: Uint8ClampedArray.from([10, 20, 30, 255]) };
    expect(Array.from(resizeRgba(one, 2, 2).data)).toEqual([10, 20, 30, 255, 10, 20, 30, 255, 10, 20, 30, 255, 10, 20, 30, 255]);
    expect(sideBySide([one, one], 1).width).toBe(3);
  });
  it('round-trips through PNG', () => {
    const viz = visualizeImageResult(result, { method: 'alpha_scaling', sign: 'positive' });
    const png = encodePng(viz.image);
    expect(Array.from(png.subarray(0, 8))).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
    const back = decode(png);
    expect(back.width).toBe(W);
    expect(back.channels).toBe(4);
    expect(Array.from(back.data)).toEqual(Array.from(viz.image.data));
    expect(pngDataUrl(viz.image)).toMatch(/^data:image\/png;base64,iVBOR/);
  });
});
