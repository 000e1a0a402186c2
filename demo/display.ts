// The demo's display controls: theme, view, words or tokens, word pieces, special tokens,
// truncation. Each control is one entry of CONTROLS, so adding one (a dtype, a new task's
// option) is one more entry.
import type { GradscopeExplain } from '../components/index.js';

type Theme = 'auto' | 'light' | 'dark';

interface Control {
  id: string;
  label: string;
  /** A select's options; absent for a checkbox. */
  options?: readonly { value: string; label: string }[];
  /** Applies the control's value to the element (and the page). */
  apply(el: GradscopeExplain, value: string | boolean): void;
}

function applyTheme(el: GradscopeExplain, theme: Theme): void {
  el.theme = theme === 'auto' ? undefined : theme;
  const root = document.documentElement;
  if (theme === 'auto') {
    delete root.dataset.theme;
    root.style.colorScheme = 'light dark';
  } else {
    root.dataset.theme = theme;
    root.style.colorScheme = theme;
  }
}

const CONTROLS: readonly Control[] = [
  {
    id: 'theme',
    label: 'Theme',
    options: [
      { value: 'auto', label: 'System' },
      { value: 'light', label: 'Light' },
      { value: 'dark', label: 'Dark' },
    ],
    apply: (el, v) => applyTheme(el, v as Theme),
  },
  {
    id: 'view',
    label: 'View',
    options: [
      { value: 'auto', label: 'Per task' },
      { value: 'table', label: 'captum table' },
    ],
    apply: (el, v) => {
      el.view = v === 'table' ? 'table' : 'auto';
    },
  },
  {
    id: 'granularity',
    label: 'Show',
    options: [
      { value: 'words', label: 'Words on the text' },
      { value: 'tokens', label: 'Tokens' },
    ],
    apply: (el, v) => {
      el.granularity = v === 'tokens' ? 'tokens' : 'words';
    },
  },
  { id: 'merge-subwords', label: 'Merge word pieces (token view)', apply: (el, v) => void (el.mergeSubwords = v === true) },
  { id: 'hide-special', label: 'Hide special tokens', apply: (el, v) => void (el.hideSpecial = v === true) },
  {
    id: 'truncation',
    label: 'Truncate inputs that are too long',
    apply: (el, v) => {
      const { truncation: _old, ...rest } = el.options ?? {};
      el.options = v === true ? { ...rest, truncation: true } : rest;
    },
  },
];

/** Builds the controls into `box` and applies their current values (from `params` when given). */
export function renderDisplayControls(box: HTMLElement, el: GradscopeExplain, params: URLSearchParams): void {
  for (const c of CONTROLS) {
    const label = document.createElement('label');
    label.className = 'gs-demo-control';
    const id = `display-${c.id}`;
    if (c.options) {
      const select = document.createElement('select');
      select.id = id;
      for (const o of c.options) select.append(new Option(o.label, o.value));
      const preset = params.get(c.id);
      if (preset && c.options.some((o) => o.value === preset)) select.value = preset;
      select.addEventListener('change', () => c.apply(el, select.value));
      label.append(`${c.label} `, select);
      c.apply(el, select.value);
    } else {
      const check = document.createElement('input');
      check.type = 'checkbox';
      check.id = id;
      check.checked = params.get(c.id) === '1';
      check.addEventListener('change', () => c.apply(el, check.checked));
      label.append(check, ` ${c.label}`);
      c.apply(el, check.checked);
    }
    box.append(label);
  }
}

/** Re-applies the controls that depend on the task's options (truncation), after a task switch reset them. */
export function reapplyOptionControls(el: GradscopeExplain): void {
  const t = document.getElementById('display-truncation') as HTMLInputElement | null;
  if (t) CONTROLS.find((c) => c.id === 'truncation')?.apply(el, t.checked);
}
