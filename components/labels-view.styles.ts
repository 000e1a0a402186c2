import { css } from 'lit';
import { viewStyles } from './view.styles.js';

export const labelsViewStyles = [
  ...viewStyles,
  css`
    .gs-labels {
      list-style: none;
      padding: 0;
      margin: 0 0 0.5em;
      display: grid;
      gap: 0.25em;
    }
    .gs-label-button {
      display: grid;
      grid-template-columns: minmax(0, 1fr) auto;
      gap: 0.25em 0.75em;
      width: 100%;
      text-align: left;
      font: inherit;
      color: var(--gradscope-fg);
      background: var(--gradscope-bg);
      border: 1px solid var(--gradscope-border);
      border-radius: 6px;
      padding: 0.35em 0.6em;
      cursor: pointer;
    }
    .gs-label-button[aria-pressed='true'] {
      border-color: var(--gradscope-focus);
      box-shadow: inset 0 0 0 1px var(--gradscope-focus);
    }
    .gs-label-button:focus-visible {
      outline: 2px solid var(--gradscope-focus);
      outline-offset: 2px;
    }
    .gs-label-name {
      overflow-wrap: anywhere;
    }
    .gs-label-score {
      font-variant-numeric: tabular-nums;
    }
    .gs-bar {
      grid-column: 1 / -1;
      height: 4px;
      background: var(--gradscope-border);
      border-radius: 2px;
      overflow: hidden;
    }
    .gs-bar > span {
      display: block;
      height: 100%;
      background: var(--gradscope-focus);
    }
    .gs-winner {
      font-weight: 700;
    }
  `,
];
