import { css } from 'lit';
import { sharedStyles } from './shared.styles.js';

export const explainStyles = [
  ...sharedStyles,
  css`
    :host {
      --gradscope-accent: var(--gradscope-focus);
      --gradscope-error-fg: #8a1c1c;
      --gradscope-error-bg: #fdecec;
      --gradscope-radius: 6px;
      --gradscope-gap: 0.75rem;
      padding: var(--gradscope-gap);
      border: 1px solid var(--gradscope-border);
      border-radius: var(--gradscope-radius);
    }
    @media (prefers-color-scheme: dark) {
      :host {
        --gradscope-error-fg: #ffb4ab;
        --gradscope-error-bg: #3b1414;
      }
    }
    :host([theme='light']) {
      --gradscope-error-fg: #8a1c1c;
      --gradscope-error-bg: #fdecec;
    }
    :host([theme='dark']) {
      --gradscope-error-fg: #ffb4ab;
      --gradscope-error-bg: #3b1414;
    }
    form {
      display: grid;
      gap: var(--gradscope-gap);
    }
    .gs-field {
      display: grid;
      gap: 0.25rem;
    }
    label {
      font-weight: 600;
    }
    .gs-hint {
      color: var(--gradscope-muted);
      font-size: 0.85em;
    }
    input[type='text'],
    textarea {
      font: inherit;
      color: inherit;
      background: transparent;
      border: 1px solid var(--gradscope-border);
      border-radius: var(--gradscope-radius);
      padding: 0.4em 0.5em;
    }
    textarea {
      min-height: 4.5em;
      resize: vertical;
    }
    input:focus-visible,
    textarea:focus-visible,
    button:focus-visible,
    .gs-drop:focus-within {
      outline: 2px solid var(--gradscope-focus);
      outline-offset: 1px;
    }
    .gs-drop {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: var(--gradscope-gap);
      border: 2px dashed var(--gradscope-border);
      border-radius: var(--gradscope-radius);
      padding: var(--gradscope-gap);
    }
    .gs-drop.gs-dragging {
      border-color: var(--gradscope-accent);
    }
    .gs-drop img {
      max-width: 96px;
      max-height: 96px;
      border-radius: 4px;
    }
    .gs-actions {
      display: flex;
      gap: 0.5rem;
      align-items: center;
    }
    button {
      font: inherit;
      padding: 0.4em 1em;
      border-radius: var(--gradscope-radius);
      border: 1px solid var(--gradscope-accent);
      background: var(--gradscope-accent);
      color: var(--gradscope-bg);
      cursor: pointer;
    }
    button[data-kind='cancel'] {
      background: transparent;
      color: var(--gradscope-fg);
      border-color: var(--gradscope-border);
    }
    button:disabled {
      opacity: 0.55;
      cursor: not-allowed;
    }
    button[hidden] {
      display: none;
    }
    .gs-progress {
      display: flex;
      gap: 0.5rem;
      align-items: center;
      margin-top: var(--gradscope-gap);
    }
    .gs-progress[hidden] {
      display: none;
    }
    progress {
      flex: 1;
      accent-color: var(--gradscope-accent);
    }
    .gs-status {
      margin-top: 0.5rem;
      color: var(--gradscope-muted);
      font-size: 0.9em;
      min-height: 1.2em;
    }
    .gs-error {
      margin-top: var(--gradscope-gap);
      padding: 0.5em 0.75em;
      border-radius: var(--gradscope-radius);
      color: var(--gradscope-error-fg);
      background: var(--gradscope-error-bg);
      white-space: pre-wrap;
    }
    .gs-error[hidden] {
      display: none;
    }
    .gs-result:not(:empty) {
      margin-top: var(--gradscope-gap);
    }
  `,
];
