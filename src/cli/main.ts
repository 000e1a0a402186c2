/**
 * `gradscope explain ...`: explanations from the command line, as JSON (a stable contract:
 * the explainer's result object plus `task` and `model`) or as a standalone HTML page.
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { GradscopeError, InputError } from '../errors.js';
import { runTask, TASKS, type CliOptions } from './tasks.js';
import { toJson } from './json.js';
import { IMAGE_CLI_OPTIONS, IMAGE_USAGE, parseImageCliOptions } from './image-task.js';
import { parseDtype } from '../runtime/model-files.js';

const USAGE = `Usage: gradscope explain --task <task> --model <folder | hub id> [options]

Tasks: ${TASKS.join(', ')}

Text input:   --text "..." [--text-pair "..."]
Zero-shot:    --labels a,b,c [--hypothesis-template "this text is about {} ."] [--include-hypothesis]
QA:           --question "..." --context "..."
Tokens:       [--ignored-labels O,B-MISC] [--ignored-indexes 0,15]
Target:       [--index N | --class-name NAME]
Integration:  [--embedding-type word|position|embeddings (QA)] [--n-steps N|auto [--tolerance T]]
              [--internal-batch-size N]
              [--method gausslegendre|riemann_left|riemann_right|riemann_middle|riemann_trapezoid]
              [--flip-sign] [--compat transformers-interpret] [--truncation]
${IMAGE_USAGE}
Runtime:      [--device auto|cpu|wasm|webgpu] [--local-only]
              [--dtype fp32|fp16|q8|int8|uint8|q4|q4f16|bnb4]  (which onnx/model*.onnx; default fp32)
Output:       [--format json|html] [--out FILE]
`;

/** Parses argv (without `node` and the script) and runs the command. Returns the exit code. */
export async function main(argv: string[], io: { stdout: (s: string) => void; stderr: (s: string) => void } = { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s) }): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (e) {
    io.stderr(`${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (parsed.help || parsed.command !== 'explain') {
    (parsed.help ? io.stdout : io.stderr)(USAGE);
    return parsed.help ? 0 : 2;
  }
  try {
    const { result, html } = await runTask(parsed.options);
    const text = parsed.options.format === 'html' ? await html() : `${JSON.stringify(toJson({ ...result, task: parsed.options.task, model: parsed.options.model }), null, 2)}\n`;
    if (parsed.options.out) await writeFile(parsed.options.out, text);
    else io.stdout(text);
    return 0;
  } catch (e) {
    if (e instanceof GradscopeError) {
      io.stderr(`gradscope: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}

function parse(argv: string[]): { command: string | undefined; help: boolean; options: CliOptions } {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      task: { type: 'string' },
      model: { type: 'string' },
      text: { type: 'string' },
      'text-pair': { type: 'string' },
      index: { type: 'string' },
      'class-name': { type: 'string' },
      'embedding-type': { type: 'string' },
      'n-steps': { type: 'string' },
      tolerance: { type: 'string' },
      'internal-batch-size': { type: 'string' },
      method: { type: 'string' },
      'flip-sign': { type: 'boolean' },
      compat: { type: 'string' },
      truncation: { type: 'boolean' },
      device: { type: 'string' },
      'local-only': { type: 'boolean' },
      dtype: { type: 'string' },
      format: { type: 'string' },
      out: { type: 'string' },
      labels: { type: 'string' },
      'hypothesis-template': { type: 'string' },
      'include-hypothesis': { type: 'boolean' },
      question: { type: 'string' },
      context: { type: 'string' },
      'ignored-labels': { type: 'string' },
      'ignored-indexes': { type: 'string' },
      ...IMAGE_CLI_OPTIONS,
      help: { type: 'boolean', short: 'h' },
    },
  });
  const int = (name: string, v: string | undefined): number | undefined => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n)) throw new InputError(`--${name} must be an integer, got "${v}".`);
    return n;
  };
  const positive = (name: string, v: string | undefined): number | undefined => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!(n > 0 && Number.isFinite(n))) throw new InputError(`--${name} must be a positive number, got "${v}".`);
    return n;
  };
  // Comma-separated lists: `--labels finance,sports`; blanks around commas are dropped.
  const list = (v: string | undefined): string[] | undefined => (v === undefined ? undefined : v.split(',').map((x) => x.trim()).filter((x) => x.length > 0));
  const ints = (name: string, v: string | undefined): number[] | undefined => list(v)?.map((x) => {
    const n = Number(x);
    if (!Number.isInteger(n)) throw new InputError(`--${name} takes comma-separated integers, got "${x}".`);
    return n;
  });
  const options: CliOptions = {
    task: values.task ?? '',
    model: values.model ?? '',
    text: values.text,
    textPair: values['text-pair'],
    index: int('index', values.index),
    className: values['class-name'],
    embeddingType: values['embedding-type'],
    nSteps: values['n-steps'] === 'auto' ? 'auto' : int('n-steps', values['n-steps']),
    tolerance: positive('tolerance', values.tolerance),
    internalBatchSize: int('internal-batch-size', values['internal-batch-size']),
    method: values.method,
    flipSign: values['flip-sign'] ?? false,
    compat: values.compat,
    truncation: values.truncation ?? false,
    device: values.device ?? 'auto',
    localOnly: values['local-only'] ?? false,
    dtype: parseDtype(values.dtype),
    format: values.format ?? 'json',
    out: values.out,
    labels: list(values.labels),
    hypothesisTemplate: values['hypothesis-template'],
    includeHypothesis: values['include-hypothesis'] ?? false,
    question: values.question,
    context: values.context,
    ignoredLabels: list(values['ignored-labels']),
    ignoredIndexes: ints('ignored-indexes', values['ignored-indexes']),
    image: parseImageCliOptions(values),
  };
  if (options.format !== 'json' && options.format !== 'html') throw new InputError(`--format must be json or html, got "${options.format}".`);
  return { command: positionals[0], help: values.help ?? false, options };
}
