/**
 * Colour-bar data for image heat maps: gradient stops and tick values.
 *
 * @module
 */
import { scaleLinear } from 'd3-scale';
import { type Colormap, cssColor } from './colormap.js';

/** One stop of a CSS/SVG/canvas gradient. */
export interface ColorStop {
  /** Position along the bar, 0..1. */
  offset: number;
  /** Data value at this position. */
  value: number;
  /** `rgb(r, g, b)`. */
  color: string;
}

/** A colour bar: stops for the gradient plus ticks for the axis. */
export interface ColorBar {
  stops: ColorStop[];
  ticks: { offset: number; value: number; label: string }[];
}

/**
 * Builds a colour bar for a colour map over [vmin, vmax]: `stops` evenly spaced gradient
 * stops taken from the map's table (so the bar shows exactly the colours in the picture),
 * and "nice" ticks from d3-scale.
 *
 * @example
 * ```ts
 * const bar = colorBar(rdWhGn(), -1, 1);
 * const css = `linear-gradient(to right, ${bar.stops.map((s) => `${s.color} ${s.offset * 100}%`).join(', ')})`;
 * ```
 */
export function colorBar(colormap: Colormap, vmin: number, vmax: number, stops: number = 17, tickCount: number = 5): ColorBar {
  const scale = scaleLinear().domain([vmin, vmax]).range([0, 1]);
  const out: ColorStop[] = [];
  for (let i = 0; i < stops; i++) {
    const offset = stops === 1 ? 0 : i / (stops - 1);
    const value = vmin + (vmax - vmin) * offset;
    out.push({ offset, value, color: cssColor(colormap, value, vmin, vmax) });
  }
  const format = scale.tickFormat(tickCount);
  const ticks = scale.ticks(tickCount).map((value) => ({ offset: scale(value), value, label: format(value) }));
  return { stops: out, ticks };
}

/**
 * The stops as a CSS `linear-gradient(...)`.
 *
 * @example
 * ```ts
 * el.style.background = cssGradient(colorBar(greens(), 0, 1));
 * ```
 */
export function cssGradient(bar: ColorBar, direction: string = 'to right'): string {
  return `linear-gradient(${direction}, ${bar.stops.map((s) => `${s.color} ${(s.offset * 100).toFixed(2)}%`).join(', ')})`;
}
