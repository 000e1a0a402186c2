/**
 * Checks on a model's files before (and right after) they are read: hostile or broken files
 * get a typed error instead of a hang, unbounded memory or a protobuf stack trace.
 *
 * - Only regular files are read (symbolic links are followed, so Hugging Face's cache layout of
 *   links into `blobs/` works): a link to `/dev/zero`, a FIFO, a device or a folder is refused
 *   with `code: 'not-a-regular-file'` BEFORE anything is read.
 * - Size caps ({@link MODEL_FILE_LIMITS}): 4 GiB for ONNX files and their external data,
 *   64 MiB for everything else (config, tokenizer and processor JSON, vocabularies). Larger
 *   files are refused with `code: 'model-file-too-large'`.
 * - ONNX bytes are checked to be a complete protobuf `ModelProto` with a graph
 *   ({@link assertOnnxModelBytes}, `code: 'invalid-model-file'`): a truncated, empty or random
 *   file is named as such, with what to do.
 *
 * @module
 */
import { InputError, ModelError } from '../errors.js';

const GIB = 1024 ** 3;
const MIB = 1024 ** 2;

/** Size caps of model files, in bytes. */
export const MODEL_FILE_LIMITS = {
  /** `.onnx` files and their external data (`*.onnx_data`, `*.onnx.data`). */
  onnx: 4 * GIB,
  /** Every other file: `config.json`, `tokenizer.json`, vocabularies, processor configs. */
  other: 64 * MIB,
} as const;

/** The size cap of one model file (see {@link MODEL_FILE_LIMITS}). */
export function maxModelFileBytes(file: string): number {
  return /\.onnx($|_data$|\.data$)/i.test(file) ? MODEL_FILE_LIMITS.onnx : MODEL_FILE_LIMITS.other;
}

const human = (n: number): string => (n >= GIB ? `${(n / GIB).toFixed(1)} GiB` : n >= MIB ? `${(n / MIB).toFixed(1)} MiB` : `${n} bytes`);

/** What `stat` says about a path (the subset the checks need). */
export interface FileStat {
  isFile(): boolean;
  isDirectory(): boolean;
  size: number;
}

/**
 * Refuse a model file that is not a regular file or is over its size cap.
 *
 * @param stat `fs.stat` of the file (links followed).
 * @param file the file's name inside the model, for the cap and the message.
 * @param where a readable description of the model, e.g. `model folder "/m"`.
 * @throws {InputError} `code: 'not-a-regular-file'` or `'model-file-too-large'`.
 *
 * @example
 * assertModelFileStat(await fs.stat(p), 'tokenizer.json', 'model folder "./m"');
 */
export function assertModelFileStat(stat: FileStat, file: string, where: string): void {
  if (!stat.isFile()) {
    const kind = stat.isDirectory() ? 'a folder' : 'not a regular file (a device, FIFO or socket, or a link to one)';
    throw new InputError(`${file} of ${where} is ${kind}; gradscope reads only regular files. Replace it with the real file.`, {
      code: 'not-a-regular-file',
    });
  }
  assertModelFileSize(stat.size, file, where);
}

/**
 * Refuse a model file over its size cap (`code: 'model-file-too-large'`).
 *
 * @example
 * assertModelFileSize(Number(response.headers.get('content-length')), 'onnx/model.onnx', url);
 */
export function assertModelFileSize(size: number, file: string, where: string): void {
  const cap = maxModelFileBytes(file);
  if (size > cap) {
    throw new InputError(`${file} of ${where} has ${human(size)}, over gradscope's cap of ${human(cap)} for this kind of file. Check that it is the right file.`, {
      code: 'model-file-too-large',
    });
  }
}

// ModelProto's fields and their protobuf wire types (0 varint, 2 length-delimited): ir_version,
// producer_name, producer_version, domain, model_version, doc_string, graph, opset_import,
// metadata_props, training_info, functions, configuration.
const MODEL_PROTO_FIELDS = new Map<number, number>([
  [1, 0], [2, 2], [3, 2], [4, 2], [5, 0], [6, 2], [7, 2], [8, 2], [14, 2], [20, 2], [21, 2], [25, 2],
]);

/** Reads a varint at `pos`; `undefined` when it runs past `end` or is over 64 bits. */
function varint(b: Uint8Array, pos: number, end: number): { value: number; pos: number } | undefined {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 10; i++) {
    if (pos >= end) return undefined;
    const byte = b[pos++];
    value += (byte & 0x7f) * scale;
    scale *= 128;
    if (byte < 0x80) return { value, pos };
  }
  return undefined;
}

/**
 * Why `bytes` are not a complete ONNX `ModelProto`, or `undefined` when their top level is
 * sound: every field is one of ModelProto's with its wire type, every length stays inside the
 * file, and a graph is present. It walks only the top-level fields (a few dozen), so it is cheap
 * for any model size; the full decode later checks the rest.
 */
export function onnxFrameProblem(bytes: Uint8Array): string | undefined {
  if (bytes.length === 0) return 'it is empty (0 bytes)';
  const end = bytes.length;
  let pos = 0;
  let graph = false;
  while (pos < end) {
    const tag = varint(bytes, pos, end);
    if (!tag) return `it ends inside a field header at byte ${pos}`;
    const field = Math.floor(tag.value / 8);
    const wire = tag.value % 8;
    const expected = MODEL_PROTO_FIELDS.get(field);
    if (expected === undefined || expected !== wire) return `byte ${pos} is not an ONNX ModelProto field (field ${field}, wire type ${wire})`;
    pos = tag.pos;
    if (wire === 0) {
      const v = varint(bytes, pos, end);
      if (!v) return `it ends inside field ${field} at byte ${pos}`;
      pos = v.pos;
    } else {
      const len = varint(bytes, pos, end);
      if (!len) return `it ends inside the length of field ${field} at byte ${pos}`;
      if (len.pos + len.value > end) {
        return `field ${field}${field === 7 ? ' (the graph)' : ''} needs ${len.pos + len.value} bytes but the file has ${end} (truncated?)`;
      }
      pos = len.pos + len.value;
      if (field === 7) graph = true;
    }
  }
  return graph ? undefined : 'it has no graph';
}

/**
 * Throw a {@link ModelError} (`code: 'invalid-model-file'`) unless `bytes` look like a complete
 * ONNX model (see {@link onnxFrameProblem}).
 *
 * @example
 * assertOnnxModelBytes(bytes, 'onnx/model.onnx', 'model folder "./m"');
 */
export function assertOnnxModelBytes(bytes: Uint8Array, file: string, where: string): void {
  const problem = onnxFrameProblem(bytes);
  if (problem === undefined) return;
  throw new ModelError(
    `${file} of ${where} is not a valid ONNX model: ${problem}. Export the model again (e.g. optimum-cli export onnx --model <id> <folder>) or download the file again.`,
    { code: 'invalid-model-file' },
  );
}
