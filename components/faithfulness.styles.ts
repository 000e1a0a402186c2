import { css } from 'lit';
import { sharedStyles } from './shared.styles.js';

export const faithfulnessStyles = [
  ...sharedStyles,
  css`
    .gs-hint {
      color: var(--gradscope-muted);
      font-size: 0.9em;
      margin: 0.3em 0 0;
    }
    td.gs-num {
      font-variant-numeric: tabular-nums;
      text-align: right;
    }
    .gs-scroll {
      overflow-x: auto;
    }
  `,
];
