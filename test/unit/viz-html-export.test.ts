import { describe, expect, it } from 'vitest';
import { legendHtml, tableHtml, visualizeHtml } from '../../src/viz/html-export.js';
import { captumColor } from '../../src/viz/text-colors.js';
import type { SequenceClassificationResult } from '../../src/types.js';
import {
  imageResult,
  multiLabelResult,
  qaResult,
  sequenceResult,
  tokenClassificationResult,
  zeroShotResult,
} from './viz-fixture-results.js';

const EVIL = '<img src=x onerror=alert(1)>';

function evilResult(): SequenceClassificationResult {
  const r = sequenceResult();
  return {
    ...r,
    wordAttributions: [['[CLS]', 0], [EVIL, 0.5], ['fine', -0.5], ['a"b\'c&d', 0.1]],
    predictedClassName: EVIL,
    attributionClassName: `</td><script>alert(2)</script>`,
    trueLabel: '<b>bold</b>',
  };
}

describe('visualizeHtml', () => {
  it('writes a standalone document with captum columns and the legend', () => {
    const html = visualizeHtml(sequenceResult());
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    for (const h of ['True Label', 'Predicted Label', 'Attribution Label', 'Attribution Score', 'Word Importance']) expect(html).toContain(`>${h}</th>`);
    expect(html).toContain('POSITIVE (0.51)');
    for (const l of ['Negative', 'Neutral', 'Positive']) expect(legendHtml()).toContain(l);
    expect(html).toContain(`background-color: ${captumColor(-1)}`);
    expect(html).toContain('<style>');
  });

  it('colours each token with the captum formula', () => {
    const r = sequenceResult();
    const html = tableHtml([r]);
    const marks = [...html.matchAll(/<mark class="gs-token" style="background-color: ([^"]+)"/g)].map((m) => m[1]);
    expect(marks).toEqual(r.wordAttributions.map(([, s]) => captumColor(s)));
  });

  it('escapes token and label text everywhere', () => {
    const html = visualizeHtml(evilResult(), { specialTokens: 'raw' });
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<b>bold');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('a&quot;b&#39;c&amp;d');
    // captum's special-token form (`<x>` -> `#x`) is escaped as well.
    const captumStyle = visualizeHtml(evilResult());
    expect(captumStyle).not.toContain('<img');
    expect(captumStyle).toContain('#img src=x onerror=alert(1)');
    // The tooltip attribute carries the raw token, escaped.
    expect(captumStyle).toContain('title="&lt;img src=x onerror=alert(1)&gt; (0.5000)"');
  });

  it('escapes the title', () => {
    expect(visualizeHtml(sequenceResult(), { title: '</title><script>x</script>' })).toContain('<title>&lt;/title&gt;&lt;script&gt;');
  });

  it('has one row per explained target for every task', () => {
    const count = (html: string): number => (html.match(/<tr>/g) ?? []).length - 1; // minus the header row
    expect(count(tableHtml([multiLabelResult()]))).toBe(7);
    expect(count(tableHtml([zeroShotResult()]))).toBe(3);
    expect(count(tableHtml([qaResult()]))).toBe(2);
    const ner = tokenClassificationResult();
    expect(count(tableHtml([ner]))).toBe(ner.wordAttributions.length);
    expect(count(tableHtml([sequenceResult(), qaResult()]))).toBe(3);
  });

  it('draws image results as a PNG with a colour bar and caption', () => {
    const html = visualizeHtml(imageResult(), { image: { method: 'overlay', sign: 'all' } });
    expect(html).toMatch(/<img src="data:image\/png;base64,[A-Za-z0-9+/=]+" width="224" height="224"/);
    expect(html).toContain('gs-colorbar');
    expect(html).toContain('Prediction: triangle (0.35)');
    expect(html).not.toContain('<table');
  });

  it('can pin the theme', () => {
    expect(visualizeHtml(sequenceResult(), { theme: 'dark' })).toContain('<html lang="en" data-theme="dark">');
  });
});
