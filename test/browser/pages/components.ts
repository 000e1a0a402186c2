// Test page for the Lit elements (components/). Driven by ../components.spec.ts.
import '../../../components/index.js';
import type { ExplanationResult } from '../../../src/types.js';
import { expose } from './expose.js';

type Via = 'property' | 'attribute' | 'script';

/** Mounts `<tag>` with the result given one of the three ways; resolves when it has rendered. */
async function mount(tag: string, resultJson: string, attrs: Record<string, string>, via: Via): Promise<string> {
  const stage = document.getElementById('stage') as HTMLElement;
  const el = document.createElement(tag) as HTMLElement & { result?: unknown; updateComplete: Promise<boolean> };
  const id = `el-${stage.children.length}`;
  el.id = id;
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  if (via === 'property') el.result = JSON.parse(resultJson) as ExplanationResult;
  else if (via === 'attribute') el.setAttribute('result', resultJson);
  else {
    const script = document.createElement('script');
    script.type = 'application/json';
    script.textContent = resultJson;
    el.append(script);
  }
  stage.append(el);
  await el.updateComplete;
  // Nested elements (the table's token cells) render a microtask later.
  await new Promise((r) => requestAnimationFrame(() => r(undefined)));
  return id;
}

/** Removes everything mounted so far. */
function clear(): boolean {
  (document.getElementById('stage') as HTMLElement).replaceChildren();
  return true;
}

/** RGBA of the pixels at `points` of a canvas inside element `id`'s shadow root. */
function canvasPixels(id: string, selector: string, points: [number, number][]): number[][] {
  const host = document.getElementById(id);
  const canvas = host?.shadowRoot?.querySelector<HTMLCanvasElement>(selector);
  const ctx = canvas?.getContext('2d');
  if (!canvas || !ctx) throw new Error(`no canvas ${selector} in #${id}`);
  return points.map(([x, y]) => Array.from(ctx.getImageData(x, y, 1, 1).data));
}

export const componentsApi = { mount, clear, canvasPixels };
export type ComponentsApi = typeof componentsApi;
expose('components', componentsApi);
