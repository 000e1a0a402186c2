import { css } from 'lit';
import { viewStyles } from './view.styles.js';

export const tokenMatrixStyles = [
  ...viewStyles,
  css`
    .gs-matrix-wrap {
      /* The containing block of the cells' visually hidden text, so it cannot widen the page. */
      position: relative;
      overflow-x: auto;
      max-width: 100%;
    }
    .gs-matrix {
      border-collapse: separate;
      border-spacing: 2px;
      font-size: 0.85em;
    }
    .gs-matrix th {
      font-weight: 500;
      text-align: left;
      white-space: nowrap;
    }
    .gs-matrix thead th {
      writing-mode: vertical-rl;
      transform: rotate(180deg);
      max-height: 8em;
      overflow: hidden;
      text-overflow: ellipsis;
      padding: 0.2em 0;
    }
    .gs-cell {
      min-width: 1.4em;
      height: 1.4em;
      border-radius: 2px;
    }
    .gs-row-button {
      font: inherit;
      color: var(--gradscope-fg);
      background: transparent;
      border: 1px solid transparent;
      border-radius: 4px;
      padding: 0.1em 0.35em;
      cursor: pointer;
      text-align: left;
      max-width: 12em;
      overflow: hidden;
      text-overflow: ellipsis;
    }
    .gs-row-button[aria-pressed='true'] {
      border-color: var(--gradscope-focus);
      font-weight: 700;
    }
    .gs-row-button:focus-visible {
      outline: 2px solid var(--gradscope-focus);
    }
    tr[data-selected] .gs-cell {
      outline: 1px solid var(--gradscope-fg);
    }
    .gs-colorbar {
      display: flex;
      align-items: center;
      gap: 0.5em;
      margin: 0.5em 0;
      font-size: 0.85em;
      flex-wrap: wrap;
    }
    .gs-colorbar-ramp {
      width: min(16em, 60vw);
      height: 0.8em;
      border: 1px solid var(--gradscope-border);
      border-radius: 2px;
    }
  `,
];
