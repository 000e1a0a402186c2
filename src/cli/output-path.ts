/**
 * Output files of the CLI (`--out`, `--png-out`): checked before any work starts, so that a
 * typo in a path costs seconds, not a whole explanation followed by a stack trace.
 */
import { open, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../errors.js';

const why = (cause: unknown): string => (cause as { code?: string }).code ?? (cause instanceof Error ? cause.message : String(cause));

/**
 * Check that `file` can be written: it is a regular file that opens for writing (without
 * truncating it), or it does not exist yet and can be created in its folder (a probe file is
 * created and removed at once: permission bits say little to root or on read-only mounts).
 * Folders, devices, FIFOs and sockets are refused.
 *
 * @param flag the option that named the file, e.g. `--out`, for the message.
 * @throws {InputError} `code: 'bad-output-path'`.
 *
 * @example
 * await assertWritableOutput('result.json', '--out');
 */
export async function assertWritableOutput(file: string, flag: string): Promise<void> {
  if (file.trim() === '') throw new InputError(`${flag} needs a file name.`, { code: 'bad-output-path' });
  const full = path.resolve(file);
  let existing: Awaited<ReturnType<typeof stat>> | undefined;
  try {
    existing = await stat(full);
  } catch (cause) {
    const code = (cause as { code?: string }).code;
    if (code === 'ENOTDIR') throw new InputError(`${flag} ${file}: a part of that path is a file, not a folder. Choose a path inside an existing folder.`, { code: 'bad-output-path', cause });
    if (code !== 'ENOENT') throw new InputError(`${flag} ${file} cannot be checked (${why(cause)}). Choose another path.`, { code: 'bad-output-path', cause });
  }
  if (existing) {
    if (existing.isDirectory()) throw new InputError(`${flag} ${file} is a folder. Give a file name, e.g. ${path.join(file, 'result.json')}.`, { code: 'bad-output-path' });
    if (!existing.isFile()) throw new InputError(`${flag} ${file} is not a regular file (a device, FIFO or socket). Give a file name.`, { code: 'bad-output-path' });
    try {
      await (await open(full, 'r+')).close();
    } catch (cause) {
      throw new InputError(`${flag} ${file} cannot be written (${why(cause)}). Choose another path or fix its permissions.`, { code: 'bad-output-path', cause });
    }
    return;
  }
  const dir = path.dirname(full);
  let folder: Awaited<ReturnType<typeof stat>>;
  try {
    folder = await stat(dir);
  } catch (cause) {
    const code = (cause as { code?: string }).code;
    const what = code === 'ENOENT' ? 'does not exist' : code === 'ENOTDIR' ? 'is inside a file, not a folder' : `cannot be checked (${why(cause)})`;
    throw new InputError(`${flag} ${file}: the folder ${dir} ${what}. Create it first or choose another path.`, { code: 'bad-output-path', cause });
  }
  if (!folder.isDirectory()) throw new InputError(`${flag} ${file}: ${dir} is a file, not a folder. Choose a path inside an existing folder.`, { code: 'bad-output-path' });
  try {
    await (await open(full, 'wx')).close();
    await unlink(full);
  } catch (cause) {
    throw new InputError(`${flag} ${file}: the folder ${dir} cannot be written (${why(cause)}). Choose another folder or fix its permissions.`, { code: 'bad-output-path', cause });
  }
}

/**
 * Write an output file; a failure (disk full, a path that changed since the check) is a typed
 * error, not a stack trace.
 *
 * @throws {InputError} `code: 'write-failed'`.
 *
 * @example
 * await writeOutput('result.json', '--out', '{}');
 */
export async function writeOutput(file: string, flag: string, data: string | Uint8Array): Promise<void> {
  try {
    await writeFile(file, data);
  } catch (cause) {
    throw new InputError(`${flag} ${file} could not be written (${why(cause)}). Check the path, its permissions and the free disk space.`, { code: 'write-failed', cause });
  }
}
