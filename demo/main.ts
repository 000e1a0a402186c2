// Placeholder demo entry: shows which backend gradscope would use here.
import { resolveDevice } from '../src/runtime/ort.js';

const out = document.querySelector('#backend');
resolveDevice('auto').then(
  (device) => {
    if (out) out.textContent = `gradscope will run on: ${device}`;
  },
  (err: unknown) => {
    if (out) out.textContent = `No backend: ${String(err)}`;
  },
);
