/**
 * Which ONNX file of a model folder or Hub repository holds which weight format ("dtype"),
 * with transformers.js's names and file mapping: a repository ships `onnx/model.onnx` (fp32)
 * beside `model_fp16.onnx`, `model_quantized.onnx` (q8), `model_q4.onnx` and others, and users
 * pick the small files because the download is what they wait for.
 *
 * @example
 * modelFileFor('q8'); // 'onnx/model_quantized.onnx'
 * parseDtype('q4');   // 'q4'
 *
 * @module
 */
import { InputError } from '../errors.js';
import { describeSource, modelFileExists, type HubSettings, type ModelSource, type ReadFileOptions } from './model-source.js';
import { isNode } from './platform.js';

/** transformers.js's dtype names, in the order they are listed to users. */
export const DTYPES = ['fp32', 'fp16', 'q8', 'int8', 'uint8', 'q4', 'q4f16', 'bnb4'] as const;

/** A weight format a transformers.js repository can ship. */
export type ModelDtype = (typeof DTYPES)[number];

/** The dtype gradscope loads when none is given (the only one it explains without rewriting). */
export const DEFAULT_DTYPE: ModelDtype = 'fp32';

/** File-name suffix per dtype, exactly as transformers.js appends it to `model`. */
const SUFFIX: Record<ModelDtype, string> = {
  fp32: '',
  fp16: '_fp16',
  q8: '_quantized',
  int8: '_int8',
  uint8: '_uint8',
  q4: '_q4',
  q4f16: '_q4f16',
  bnb4: '_bnb4',
};

/**
 * The file inside the model folder that holds a dtype.
 *
 * @param dtype a transformers.js dtype.
 * @param baseName the model file's stem (`model`; `decoder_model_merged` for some generators).
 * @example
 * modelFileFor('fp16'); // 'onnx/model_fp16.onnx'
 */
export function modelFileFor(dtype: ModelDtype, baseName = 'model'): string {
  return `onnx/${baseName}${SUFFIX[dtype]}.onnx`;
}

/** The external-data file that may sit next to a model file (`onnx/model_q4.onnx_data`). */
export function externalDataFileFor(file: string): string {
  return `${file}_data`;
}

/** Whether a value is one of {@link DTYPES}. */
export function isModelDtype(value: unknown): value is ModelDtype {
  return typeof value === 'string' && (DTYPES as readonly string[]).includes(value);
}

/**
 * Checks a user-given dtype (CLI flag, element attribute, option).
 *
 * @throws {InputError} (`code: 'bad-dtype'`) for anything but one of {@link DTYPES}.
 */
export function parseDtype(value: unknown): ModelDtype {
  if (value === undefined || value === null || value === '') return DEFAULT_DTYPE;
  if (isModelDtype(value)) return value;
  throw new InputError(`Unknown dtype ${JSON.stringify(String(value)).slice(0, 80)}: use one of ${DTYPES.join(', ')} (transformers.js's names; default ${DEFAULT_DTYPE}).`, {
    code: 'bad-dtype',
  });
}

/**
 * The dtypes a model folder or repository has files for (probes each candidate file: a
 * directory stat in Node, a HEAD request elsewhere).
 */
export async function availableDtypes(source: ModelSource, hub: HubSettings, options: ReadFileOptions = {}, baseName = 'model'): Promise<ModelDtype[]> {
  const found = await Promise.all(DTYPES.map((d) => modelFileExists(source, modelFileFor(d, baseName), hub, options)));
  return DTYPES.filter((_, i) => found[i]);
}

/**
 * The typed error for a dtype whose file is missing, listing what the model does have.
 *
 * @example
 * throw missingDtypeError(source, 'q4', ['fp32', 'q8']);
 */
export function missingDtypeError(source: ModelSource, dtype: ModelDtype, available: readonly ModelDtype[]): InputError {
  const has = available.length > 0 ? `It has: ${available.join(', ')}. Pass one of those as dtype.` : 'It has no ONNX model file under onnx/ at all; export one (e.g. optimum-cli export onnx).';
  return new InputError(`${describeSource(source)} has no ${modelFileFor(dtype)} (dtype ${dtype}). ${has}`, { code: 'dtype-not-found' });
}

/** Hub settings for sources that never reach the Hub (local folders in Node). */
const NO_HUB: HubSettings = { remoteHost: '', remotePathTemplate: '', localModelPath: '', allowLocalModels: false };

/**
 * The dtypes a model has, when finding out costs nothing (a local folder in Node: a few
 * stats); undefined elsewhere (it would take a request per dtype).
 */
export async function localDtypes(source: ModelSource): Promise<ModelDtype[] | undefined> {
  return source.kind === 'local' && isNode() ? availableDtypes(source, NO_HUB) : undefined;
}

/**
 * Other dtypes worth trying when the loaded file cannot be explained: those the model has
 * (plain fp32 first: exports with the fewest rewritten ops), or fp32 when that is unknown.
 *
 * @example
 * dtypesWorthTrying('q4', ['fp32', 'q4']); // ['fp32']
 */
export function dtypesWorthTrying(current: ModelDtype, available: readonly ModelDtype[] | undefined): ModelDtype[] {
  if (!available) return current === 'fp32' ? [] : ['fp32'];
  return DTYPES.filter((d) => d !== current && available.includes(d));
}
