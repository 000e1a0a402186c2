/**
 * The one stylesheet behind both the standalone HTML export and the Lit elements, so a
 * table looks the same in a saved file and on a page. Plain CSS text: the elements wrap it
 * with Lit's `unsafeCSS` (it holds no user data), the export puts it in a `<style>`.
 *
 * Theming goes through custom properties (`--gradscope-*`); light and dark values follow
 * `prefers-color-scheme` unless a `theme="light|dark"` attribute pins one.
 *
 * @module
 */

/**
 * Custom-property defaults for light and dark, scoped to `scope` (`:host` in shadow DOM,
 * `:root` in the export).
 *
 * @example
 * ```ts
 * const css = themeCss(':host');
 * ```
 */
export function themeCss(scope: string): string {
  const light = `
    --gradscope-fg: #1a1a1a;
    --gradscope-bg: #ffffff;
    --gradscope-muted: #595959;
    --gradscope-border: #c8c8c8;
    --gradscope-header-bg: #f3f3f3;
    --gradscope-focus: #0b57d0;
    --gradscope-tooltip-fg: #ffffff;
    --gradscope-tooltip-bg: #222222;`;
  const dark = `
    --gradscope-fg: #ececec;
    --gradscope-bg: #161616;
    --gradscope-muted: #b0b0b0;
    --gradscope-border: #4a4a4a;
    --gradscope-header-bg: #232323;
    --gradscope-focus: #8ab4f8;
    --gradscope-tooltip-fg: #111111;
    --gradscope-tooltip-bg: #f1f1f1;`;
  const pinned = (t: string): string => (scope === ':host' ? `:host([theme="${t}"])` : `${scope}[data-theme="${t}"]`);
  return `
${scope} {
  ${light}
  --gradscope-font: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  /* Token text stays dark in both themes: token backgrounds are light (captum: lightness >= 50%). */
  --gradscope-token-fg: #000000;
  --gradscope-token-radius: 3px;
  color-scheme: light dark;
}
@media (prefers-color-scheme: dark) {
  ${scope} { ${dark} }
}
${pinned('light')} { ${light} color-scheme: light; }
${pinned('dark')} { ${dark} color-scheme: dark; }
`;
}

/** Table, token and legend rules shared by `<gradscope-table>` and the HTML export. */
export const TABLE_CSS = `
.gs-table {
  border-collapse: collapse;
  font-family: var(--gradscope-font);
  color: var(--gradscope-fg);
  background: var(--gradscope-bg);
  width: 100%;
}
.gs-table th, .gs-table td {
  border-bottom: 1px solid var(--gradscope-border);
  padding: 0.4em 0.8em;
  text-align: left;
  vertical-align: top;
}
.gs-table th { background: var(--gradscope-header-bg); font-weight: 600; }
.gs-table td.gs-label { font-weight: 700; padding-right: 2em; overflow-wrap: anywhere; }
.gs-token {
  color: var(--gradscope-token-fg);
  border-radius: var(--gradscope-token-radius);
  padding: 0.1em 0.25em;
  margin: 0 0.1em;
  line-height: 1.75;
  white-space: pre-wrap;
  box-decoration-break: clone;
  -webkit-box-decoration-break: clone;
}
.gs-legend {
  font-family: var(--gradscope-font);
  color: var(--gradscope-fg);
  border-top: 1px solid var(--gradscope-border);
  margin-top: 5px;
  padding-top: 5px;
  display: inline-block;
}
.gs-legend-item { white-space: nowrap; display: inline-block; }
.gs-swatch {
  display: inline-block;
  width: 10px;
  height: 10px;
  border: 1px solid var(--gradscope-fg);
  margin: 0 0.25em 0 0.75em;
  vertical-align: middle;
}
/* Phones: each row becomes a card, each cell says what it is. */
@media (max-width: 600px) {
  .gs-table, .gs-table tbody, .gs-table tr, .gs-table td { display: block; width: auto; }
  .gs-table thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  .gs-table tr { border: 1px solid var(--gradscope-border); border-radius: 6px; margin: 0 0 0.6em; padding: 0.3em 0; }
  .gs-table td { border-bottom: none; padding: 0.15em 0.6em; }
  .gs-table td[data-label]::before { content: attr(data-label) ": "; font-weight: 400; color: var(--gradscope-muted); }
  .gs-table td.gs-label { padding-right: 0.6em; }
}
`;
