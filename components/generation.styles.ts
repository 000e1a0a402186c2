import { css } from 'lit';
import { sharedStyles } from './shared.styles.js';

export const generationStyles = [
  ...sharedStyles,
  css`
    .gs-layout {
      display: flex;
      flex-wrap: wrap;
      gap: 1em;
      align-items: flex-start;
    }
    .gs-text {
      flex: 1 1 16em;
      line-height: 2;
      min-width: 0;
      overflow-wrap: anywhere;
    }
    .gs-src,
    .gs-target {
      white-space: pre-wrap;
      border-radius: var(--gradscope-token-radius, 3px);
      padding: 0 1px;
      /* Token strings carry no spaces of their own (the tokenizer's space marker is removed). */
      margin-inline-end: 0.25em;
    }
    .gs-target {
      cursor: pointer;
      text-decoration: underline dotted;
      outline: none;
    }
    .gs-target[aria-selected='true'] {
      outline: 2px solid var(--gradscope-focus);
      text-decoration: none;
    }
    .gs-target:focus-visible {
      outline: 3px solid var(--gradscope-focus);
      outline-offset: 1px;
    }
    .gs-later {
      color: var(--gradscope-muted);
    }
    .gs-heatmap {
      flex: 1 1 20em;
      overflow-x: auto;
      max-width: 100%;
    }
    .gs-heatmap table {
      border-collapse: collapse;
      font-size: 0.75em;
    }
    .gs-heatmap th,
    .gs-heatmap td {
      border: 1px solid var(--gradscope-border);
      padding: 0.15em 0.3em;
      white-space: pre;
      text-align: center;
    }
    .gs-heatmap tr.gs-selected th {
      outline: 2px solid var(--gradscope-focus);
    }
    .gs-heatmap th[scope='row'] {
      cursor: pointer;
    }
    .gs-bar {
      height: 10px;
      width: 100%;
      max-width: 20em;
      margin-top: 0.5em;
    }
    .gs-ticks {
      position: relative;
      height: 1.2em;
      max-width: 20em;
      font-size: 0.75em;
      color: var(--gradscope-muted);
    }
    .gs-ticks span {
      position: absolute;
      transform: translateX(-50%);
    }
  `,
];
