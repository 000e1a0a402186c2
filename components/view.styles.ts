import { css } from 'lit';
import { sharedStyles } from './shared.styles.js';

/** Rules every per-task view shares: the summary line, notes, a responsive box. */
export const viewStyles = [
  ...sharedStyles,
  css`
    :host {
      container-type: inline-size;
    }
    .gs-summary {
      margin: 0 0 0.5em;
      font-size: 1.05em;
    }
    .gs-note {
      color: var(--gradscope-muted);
      font-size: 0.9em;
      margin: 0.25em 0 0.5em;
    }
    .gs-section-title {
      font-size: 0.95em;
      font-weight: 600;
      margin: 0.75em 0 0.25em;
    }
  `,
];
