import { css } from 'lit';
import { sharedStyles } from './shared.styles.js';

export const imageStyles = [
  ...sharedStyles,
  css`
    .gs-panels {
      display: flex;
      flex-wrap: wrap;
      gap: var(--gradscope-panel-gap, 12px);
      align-items: flex-start;
    }
    figure {
      margin: 0;
    }
    figcaption {
      font-size: 0.9em;
      margin-top: 0.3em;
      color: var(--gradscope-fg);
    }
    canvas {
      display: block;
      image-rendering: pixelated;
      /* Checkerboard-free neutral background so alpha_scaling reads like matplotlib's white axes. */
      background: var(--gradscope-canvas-bg, #ffffff);
      border: 1px solid var(--gradscope-border);
    }
    .gs-colorbar {
      height: 12px;
      margin-top: 6px;
      border: 1px solid var(--gradscope-border);
    }
    .gs-ticks {
      position: relative;
      height: 1.2em;
      font-size: 0.75em;
      color: var(--gradscope-muted);
    }
    .gs-ticks span {
      position: absolute;
      transform: translateX(-50%);
      white-space: nowrap;
    }
    /* The end ticks sit inside the bar's width so neither is clipped. */
    .gs-ticks span:first-child {
      transform: none;
    }
    .gs-ticks span:last-child {
      transform: translateX(-100%);
    }
    .gs-controls {
      display: flex;
      flex-wrap: wrap;
      gap: 0.75em;
      margin-bottom: 0.5em;
      font-size: 0.9em;
    }
    .gs-controls label {
      display: inline-flex;
      gap: 0.3em;
      align-items: center;
    }
    .gs-controls select,
    .gs-controls input {
      font: inherit;
      color: inherit;
      background: var(--gradscope-bg);
      border: 1px solid var(--gradscope-border);
    }
    .gs-controls :focus-visible {
      outline: 2px solid var(--gradscope-focus);
    }
    .gs-warning {
      font-size: 0.85em;
      color: var(--gradscope-muted);
    }
  `,
];
