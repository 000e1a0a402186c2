/**
 * Styles every gradscope element starts from: the theme's custom properties (light, dark,
 * `prefers-color-scheme`, `theme` attribute) and the shared table/token rules, so the
 * elements and the standalone HTML export look the same.
 */
import { css, unsafeCSS } from 'lit';
import { TABLE_CSS, themeCss } from '../src/viz/theme-css.js';

// unsafeCSS is safe here: both strings are constants of ours, no user data.
export const sharedStyles = [
  unsafeCSS(themeCss(':host')),
  unsafeCSS(TABLE_CSS),
  css`
    :host {
      display: block;
      font-family: var(--gradscope-font);
      color: var(--gradscope-fg);
      /* Paint our own background so the theme's text colour always has contrast; set
         --gradscope-bg: transparent to blend into a page that matches the theme. */
      background: var(--gradscope-bg);
    }
    :host([hidden]) {
      display: none;
    }
    .gs-empty {
      color: var(--gradscope-muted);
      font-style: italic;
    }
    .gs-visually-hidden {
      position: absolute;
      width: 1px;
      height: 1px;
      overflow: hidden;
      clip: rect(0 0 0 0);
      white-space: nowrap;
    }
  `,
];
