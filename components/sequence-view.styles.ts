import { viewStyles } from './view.styles.js';

export const sequenceViewStyles = [...viewStyles];
