import { describe, expect, it } from 'vitest';
import { escapeHtml, escapeJsonForScript } from '../../src/viz/escape.js';

describe('escapeHtml', () => {
  it('escapes markup, quotes and ampersands', () => {
    expect(escapeHtml('<img src=x onerror=alert(1)>')).toBe('&lt;img src=x onerror=alert(1)&gt;');
    expect(escapeHtml(`a & "b" 'c'`)).toBe('a &amp; &quot;b&quot; &#39;c&#39;');
    expect(escapeHtml('&lt;')).toBe('&amp;lt;');
  });
  it('stringifies non-strings', () => {
    expect(escapeHtml(1.5)).toBe('1.5');
  });
  it('keeps a script element closed only where we close it', () => {
    const s = escapeJsonForScript(JSON.stringify({ t: '</script><script>alert(1)</script>' }));
    expect(s).not.toContain('</script');
    expect(JSON.parse(s)).toEqual({ t: '</script><script>alert(1)</script>' });
  });
});
