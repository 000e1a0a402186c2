/**
 * How the CLI reports an error: one line, `gradscope: <message> [<code>]`, never a stack trace
 * unless `--debug` asks for it, and the exit code (2 for a usage mistake, 1 otherwise).
 */
import { GradscopeError, InternalError } from '../errors.js';

/**
 * Codes of errors that mean the command line itself is wrong, whatever the model and files
 * say: exit code 2. Besides the CLI's own (`usage`, `bad-option`, `missing-option`), the
 * library's codes for an option value that is wrong for every model (`--n-steps 0`,
 * `--method bogus`). Errors that depend on the model or the files (an index past the model's
 * labels, an unknown class name, a broken model file, an unwritable output) exit with 1.
 */
export const USAGE_CODES: ReadonlySet<string> = new Set([
  'usage',
  'bad-option',
  'missing-option',
  'unknown-task',
  'unknown-device',
  'bad-compat',
  'bad-embedding-type',
  'bad-attribution-type',
  'bad-nt-type',
  'bad-n-steps',
  'bad-nt-samples',
  'bad-method',
  'bad-batch-size',
  'bad-tolerance',
  'bad-stdevs',
  'bad-seed',
  'bad-hypothesis-template',
  // --algorithm, the SmoothGrad flags and --evaluate: wrong for every model (of the task).
  'bad-algorithm',
  'bad-smoothgrad-samples',
  'bad-smoothgrad-noise',
  'bad-evaluate',
  'algorithm-unsupported',
  'evaluate-unsupported',
]);

/** The error as gradscope reports it: anything else becomes an `internal` error around it. */
export function asGradscopeError(e: unknown): GradscopeError {
  if (e instanceof GradscopeError) return e;
  const text = e instanceof Error ? e.message : String(e);
  return new InternalError(`unexpected failure (${text}); run again with --debug for the stack`, { cause: e });
}

/** The stack of `e` and of each of its causes, for `--debug`. */
function stackChain(e: unknown): string {
  const parts: string[] = [];
  for (let cur: unknown = e, depth = 0; cur !== undefined && depth < 8; depth++) {
    parts.push(cur instanceof Error ? (cur.stack ?? `${cur.name}: ${cur.message}`) : String(cur));
    cur = cur instanceof Error ? cur.cause : undefined;
  }
  return parts.join('\nCaused by: ');
}

/**
 * The text to print on stderr for an error, and the exit code.
 *
 * @example
 * const { text, exitCode } = formatError(new InputError('--text is required.', { code: 'missing-option' }));
 * // text: 'gradscope: --text is required. [missing-option]\n', exitCode: 2
 */
export function formatError(e: unknown, options: { debug?: boolean } = {}): { text: string; exitCode: 1 | 2; error: GradscopeError } {
  const error = asGradscopeError(e);
  let text = `gradscope: ${error.message} [${error.code}]\n`;
  if (options.debug) text += `${stackChain(error)}\n`;
  return { text, exitCode: USAGE_CODES.has(error.code) ? 2 : 1, error };
}
