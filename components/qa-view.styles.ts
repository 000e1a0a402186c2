import { css } from 'lit';
import { viewStyles } from './view.styles.js';

export const qaViewStyles = [
  ...viewStyles,
  css`
    .gs-context {
      white-space: pre-wrap;
      overflow-wrap: anywhere;
      margin: 0 0 0.5em;
      line-height: 1.6;
    }
    mark.gs-answer {
      background: var(--gradscope-answer-bg, #fff3a3);
      color: var(--gradscope-answer-fg, #000000);
      border-radius: 3px;
      padding: 0.05em 0.1em;
      outline: 1px solid var(--gradscope-answer-border, #b59b00);
    }
    .gs-boundaries {
      display: grid;
      gap: 0.5em;
    }
    .gs-boundary {
      border-top: 1px solid var(--gradscope-border);
      padding-top: 0.25em;
    }
  `,
];
