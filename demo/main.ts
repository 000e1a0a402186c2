// The demo: every task on its bundled fixture model (offline), any Hub model when online, a
// WebGPU / wasm switch and the time of each explanation. URL parameters preset it:
// ?task=question-answering&device=wasm&steps=8 (or steps=auto)&dtype=q8
import '../components/index.js';
import type { ExplainResultDetail, GradscopeExplain } from '../components/index.js';
import { EXPLAINER_TASKS } from '../src/explainers/tasks.js';
import { hasWebGpu } from '../src/runtime/ort.js';
import { taskForm } from '../components/explain-tasks.js';
import { DEMO_TASKS, fixtureModel, type DemoTask } from './tasks.js';
import { reapplyOptionControls, renderDisplayControls } from './display.js';

type DemoDevice = 'webgpu' | 'wasm';

const $ = <T extends Element>(sel: string): T => {
  const el = document.querySelector<T>(sel);
  if (!el) throw new Error(`demo: missing ${sel}`);
  return el;
};

const explain = $<GradscopeExplain>('#explain');
const taskBox = $<HTMLFieldSetElement>('#tasks');
const stepsInput = $<HTMLInputElement>('#n-steps');
const autoSteps = $<HTMLInputElement>('#auto-steps');
const hubForm = $<HTMLFormElement>('#hub-form');
const hubInput = $<HTMLInputElement>('#hub-model');
const modelLine = $<HTMLElement>('#model-line');
const lastTime = $<HTMLElement>('#last-time');
const timings = $<HTMLTableSectionElement>('#timings tbody');
const dtypeSelect = $<HTMLSelectElement>('#dtype');

const params = new URLSearchParams(location.search);
/** Tasks the factory knows: a task whose explainer has not landed shows disabled. */
const available = new Set<string>(EXPLAINER_TASKS);

let current: DemoTask = DEMO_TASKS.find((t) => t.task === params.get('task') && available.has(t.task)) ?? DEMO_TASKS.find((t) => available.has(t.task)) ?? DEMO_TASKS[0];
let hubModel: string | undefined;

function renderTaskList(): void {
  for (const t of DEMO_TASKS) {
    const label = document.createElement('label');
    const radio = document.createElement('input');
    radio.type = 'radio';
    radio.name = 'task';
    radio.value = t.task;
    radio.checked = t === current;
    radio.disabled = !available.has(t.task);
    radio.addEventListener('change', () => selectTask(t));
    label.append(radio, ` ${taskForm(t.task).title}`);
    if (radio.disabled) {
      const note = document.createElement('span');
      note.className = 'gs-demo-note';
      note.textContent = ' (explainer not available yet)';
      label.append(note);
    }
    taskBox.append(label);
  }
}

function applyModel(): void {
  const model = hubModel ?? fixtureModel(current.fixture);
  explain.model = model;
  modelLine.textContent = hubModel ? `Model: ${hubModel} (from the Hugging Face Hub)` : `Model: ${model} (bundled tiny test model, offline)`;
}

function selectTask(t: DemoTask): void {
  current = t;
  hubModel = undefined;
  hubInput.value = '';
  hubInput.placeholder = t.hubExample;
  explain.task = t.task;
  const i = t.inputs;
  explain.text = i.text ?? '';
  explain.textPair = i['text-pair'] ?? '';
  explain.question = i.question ?? '';
  explain.context = i.context ?? '';
  explain.labels = i.labels ?? '';
  explain.image = i.image ?? '';
  explain.options = t.options;
  reapplyOptionControls(explain);
  applyModel();
  const url = new URL(location.href);
  url.searchParams.set('task', t.task);
  history.replaceState(null, '', url);
}

function setDevice(d: DemoDevice): void {
  const hadResult = explain.result !== undefined;
  explain.device = d;
  // Re-run so the two backends can be compared on the same input.
  if (hadResult) void explain.explain();
}

function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

explain.addEventListener('gradscope-result', (e) => {
  const d = (e as CustomEvent<ExplainResultDetail>).detail;
  const auto = 'autoSteps' in d.result ? d.result.autoSteps : undefined;
  const steps = auto ? `auto: ${auto.evaluations} evaluations${auto.converged ? '' : ', not converged'}` : `${explain.nSteps ?? 50} steps`;
  lastTime.textContent = `Last explanation: ${formatMs(d.ms)} on ${d.device} (${steps}).`;
  lastTime.dataset.ms = String(d.ms);
  lastTime.dataset.device = d.device;
  const row = document.createElement('tr');
  for (const cell of [taskForm(d.task).title, d.model, d.device, steps, formatMs(d.ms)]) {
    const td = document.createElement('td');
    td.textContent = cell; // model ids are user text: never innerHTML
    row.append(td);
  }
  timings.prepend(row);
});

function applySteps(): void {
  const n = Number(stepsInput.value);
  stepsInput.disabled = autoSteps.checked;
  explain.nSteps = autoSteps.checked ? 'auto' : Number.isInteger(n) && n > 0 ? n : undefined;
}
stepsInput.addEventListener('change', applySteps);
autoSteps.addEventListener('change', applySteps);

hubForm.addEventListener('submit', (e) => {
  e.preventDefault();
  const id = hubInput.value.trim();
  if (!id) return;
  hubModel = id;
  applyModel();
});

$<HTMLButtonElement>('#use-fixture').addEventListener('click', () => {
  hubModel = undefined;
  hubInput.value = '';
  applyModel();
});

async function start(): Promise<void> {
  renderTaskList();
  renderDisplayControls($<HTMLFieldSetElement>('#display'), explain, params);
  const stepsParam = params.get('steps');
  const steps = Number(stepsParam ?? stepsInput.value);
  if (stepsParam === 'auto') autoSteps.checked = true;
  else if (Number.isInteger(steps) && steps > 0) stepsInput.value = String(steps);
  applySteps();
  const gpu = await hasWebGpu();
  const webgpuRadio = $<HTMLInputElement>('#devices input[value="webgpu"]');
  if (!gpu) {
    webgpuRadio.disabled = true;
    const note = $<HTMLElement>('#webgpu-note');
    note.hidden = false;
    note.textContent = 'This browser gives no WebGPU adapter: running on wasm.';
  }
  const wanted = params.get('device');
  const device: DemoDevice = wanted === 'wasm' || !gpu ? 'wasm' : 'webgpu';
  $<HTMLInputElement>(`#devices input[value="${device}"]`).checked = true;
  explain.device = device;
  for (const r of document.querySelectorAll<HTMLInputElement>('#devices input[name="device"]')) {
    r.addEventListener('change', () => {
      if (r.checked) setDevice(r.value as DemoDevice);
    });
  }
  // Which file of the model: a dtype the model lacks is reported by the element, naming those it has.
  const dtype = params.get('dtype');
  if (dtype && [...dtypeSelect.options].some((o) => o.value === dtype)) dtypeSelect.value = dtype;
  explain.dtype = dtypeSelect.value;
  dtypeSelect.addEventListener('change', () => {
    explain.dtype = dtypeSelect.value;
  });
  selectTask(current);
  document.body.dataset.ready = 'true';
}

void start();
