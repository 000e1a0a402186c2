/**
 * `gradscope explain ...`: explanations from the command line, as JSON (a stable contract:
 * the explainer's result object plus `task` and `model`) or as a standalone HTML page.
 *
 * Errors: every failure prints one line, `gradscope: <message> [<code>]`, on stderr and never a
 * stack trace (`--debug` adds it, with the chain of causes). Exit codes: 0 success, 2 when the
 * command line alone is wrong (an unknown flag, a missing or empty required value, a value that
 * is not a number, an unknown task), 1 for everything found while running (model files,
 * output paths, the explanation itself). An error that is not a gradscope error is a bug; it is
 * printed the same way with code `internal`.
 */
import { parseArgs } from 'node:util';
import { InputError } from '../errors.js';
import { runTask, TASKS, type CliOptions } from './tasks.js';
import { toJson } from './json.js';
import { IMAGE_CLI_OPTIONS, IMAGE_USAGE, parseImageCliOptions } from './image-task.js';
import { GENERATION_CLI_OPTIONS, GENERATION_USAGE, parseGenerationCliOptions } from './generation-task.js';
import { assertWritableOutput, writeOutput } from './output-path.js';
import { formatError } from './report.js';
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
Algorithm:    [--algorithm integrated-gradients|gradient-x-input|saliency|smoothgrad]
              [--smoothgrad-samples N] [--smoothgrad-noise F] [--seed N]
Trust:        [--evaluate]  faithfulness beside the scores (comprehensiveness: higher is
              better; sufficiency: lower is better; images: deletion/insertion AOPC)
${IMAGE_USAGE}
${GENERATION_USAGE}
Runtime:      [--device auto|cpu|wasm|webgpu] [--local-only]
              [--dtype fp32|fp16|q8|int8|uint8|q4|q4f16|bnb4]  (which onnx/model*.onnx; default fp32)
Output:       [--format json|html] [--out FILE] [--debug (stack traces of errors)]
`;

/** Parses argv (without `node` and the script) and runs the command. Returns the exit code. */
export async function main(argv: string[], io: { stdout: (s: string) => void; stderr: (s: string) => void } = { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s) }): Promise<number> {
  const debug = argv.includes('--debug');
  const report = (e: unknown): number => {
    const { text, exitCode } = formatError(e, { debug });
    io.stderr(text);
    return exitCode;
  };
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (e) {
    const code = report(e);
    io.stderr(`\n${USAGE}`);
    return code;
  }
  if (parsed.help) {
    io.stdout(USAGE);
    return 0;
  }
  if (parsed.command !== 'explain') {
    const what = parsed.command === undefined ? 'No command given' : `Unknown command "${parsed.command}"`;
    report(new InputError(`${what}: the command is "gradscope explain" (see the usage below).`, { code: 'usage' }));
    io.stderr(`\n${USAGE}`);
    return 2;
  }
  try {
    const o = parsed.options;
    // Output paths first: a typo must not cost a whole explanation.
    const pngOut = o.image?.pngOut;
    if (o.out !== undefined) await assertWritableOutput(o.out, '--out');
    if (pngOut !== undefined) await assertWritableOutput(pngOut, '--png-out');
    if (o.out !== undefined && pngOut !== undefined && o.out === pngOut) {
      throw new InputError('--out and --png-out name the same file: give each its own.', { code: 'bad-option' });
    }
    const { result, html } = await runTask(o);
    const text = o.format === 'html' ? await html() : `${JSON.stringify(toJson({ ...result, task: o.task, model: o.model }), null, 2)}\n`;
    if (o.out !== undefined) await writeOutput(o.out, '--out', text);
    else io.stdout(text);
    return 0;
  } catch (e) {
    return report(e);
  }
}

/** The flags of `gradscope explain` (parseArgs specs). */
const CLI_OPTIONS = {
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
  algorithm: { type: 'string' },
  'smoothgrad-samples': { type: 'string' },
  'smoothgrad-noise': { type: 'string' },
  evaluate: { type: 'boolean' },
  ...IMAGE_CLI_OPTIONS,
  ...GENERATION_CLI_OPTIONS,
  debug: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** parseArgs' own errors (unknown flag, missing value) as a usage error. */
function parseArgv(argv: string[]) {
  try {
    return parseArgs({ args: argv, allowPositionals: true, options: CLI_OPTIONS });
  } catch (cause) {
    // parseArgs' messages span lines; the error line is one line.
    const text = (cause instanceof Error ? cause.message : String(cause)).replace(/\s*\n\s*/g, ' ');
    throw new InputError(text, { code: 'usage', cause });
  }
}

function parse(argv: string[]): { command: string | undefined; help: boolean; options: CliOptions } {
  const { values, positionals } = parseArgv(argv);
  // Number('') is 0: an empty value must not silently become index 0.
  const int = (name: string, v: string | undefined): number | undefined => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (v.trim() === '' || !Number.isSafeInteger(n)) throw new InputError(`--${name} must be an integer, got "${v}".`, { code: 'bad-option' });
    return n;
  };
  const positive = (name: string, v: string | undefined): number | undefined => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!(n > 0 && Number.isFinite(n))) throw new InputError(`--${name} must be a positive number, got "${v}".`, { code: 'bad-option' });
    return n;
  };
  const finite = (name: string, v: string | undefined): number | undefined => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n)) throw new InputError(`--${name} must be a number, got "${v}".`, { code: 'bad-option' });
    return n;
  };
  // Comma-separated lists: `--labels finance,sports`; blanks around commas are dropped.
  const list = (v: string | undefined): string[] | undefined => (v === undefined ? undefined : v.split(',').map((x) => x.trim()).filter((x) => x.length > 0));
  const ints = (name: string, v: string | undefined): number[] | undefined => list(v)?.map((x) => {
    const n = Number(x);
    if (!Number.isSafeInteger(n)) throw new InputError(`--${name} takes comma-separated integers, got "${x}".`, { code: 'bad-option' });
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
    generation: parseGenerationCliOptions(values),
    algorithm: values.algorithm,
    smoothGradSamples: int('smoothgrad-samples', values['smoothgrad-samples']),
    smoothGradNoise: finite('smoothgrad-noise', values['smoothgrad-noise']),
    evaluate: values.evaluate ?? false,
  };
  if (options.format !== 'json' && options.format !== 'html') throw new InputError(`--format must be json or html, got "${options.format}".`, { code: 'bad-option' });
  return { command: positionals[0], help: values.help ?? false, options };
}
