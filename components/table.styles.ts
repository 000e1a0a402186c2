import { css } from 'lit';
import { sharedStyles } from './shared.styles.js';

export const tableStyles = [
  ...sharedStyles,
  css`
    caption {
      text-align: left;
      font-weight: 600;
      padding: 0.3em 0;
    }
    gradscope-tokens {
      display: block;
    }
  `,
];
