import { css } from 'lit';
import { sharedStyles } from './shared.styles.js';

export const tokensStyles = [
  ...sharedStyles,
  css`
    .gs-tokens {
      position: relative;
      line-height: 2;
    }
    .gs-token {
      cursor: default;
      display: inline;
      outline: none;
    }
    .gs-token:focus-visible,
    .gs-token.gs-active:focus {
      outline: 2px solid var(--gradscope-focus);
      outline-offset: 1px;
    }
    /* Words painted on the text keep the text's own spacing: no chip margins. */
    .gs-text {
      margin: 0 0 0.4em;
      white-space: pre-wrap;
      overflow-wrap: anywhere;
    }
    .gs-token.gs-word {
      margin: 0;
      padding: 0.1em 0.05em;
    }
    .gs-segment {
      font-weight: 600;
      color: var(--gradscope-muted);
      font-size: 0.85em;
    }
    .gs-tokens {
      overflow-wrap: anywhere;
    }
    .gs-tooltip {
      position: absolute;
      z-index: 10;
      pointer-events: none;
      background: var(--gradscope-tooltip-bg);
      color: var(--gradscope-tooltip-fg);
      font-size: 0.85em;
      line-height: 1.3;
      padding: 0.3em 0.5em;
      border-radius: 4px;
      white-space: nowrap;
      max-width: 80vw;
      overflow: hidden;
      text-overflow: ellipsis;
      transform: translate(-50%, calc(-100% - 6px));
    }
    .gs-tooltip.gs-below {
      transform: translate(-50%, 6px);
    }
    .gs-tooltip[hidden] {
      display: none;
    }
    .gs-tooltip .gs-tip-score {
      font-variant-numeric: tabular-nums;
    }
  `,
];
