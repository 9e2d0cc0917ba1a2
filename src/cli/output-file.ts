import { open, rename, rm, type FileHandle } from "node:fs/promises";
import { UserError } from "../errors/index.js";

const fileErrors: Record<string, string> = {
  ENOENT: "its directory does not exist (or takes no files)",
  ENOTDIR: "a part of the path is a file, not a directory",
  EISDIR: "it is a directory",
  EACCES: "permission denied",
  EPERM: "permission denied",
  EROFS: "the file system is read-only",
  ENOSPC: "the disk is full",
  EDQUOT: "the disk quota is used up",
  ENAMETOOLONG: "the name is too long",
};

/**
 * Write a file named by a flag (`--out`, `--html`) atomically: into a temp file beside it, then
 * renamed over it, so a failure leaves neither a partial file nor a temp. A file-system refusal
 * is a user error that names the flag and the path.
 */
export async function writeOutputFile<T>(
  flag: string,
  file: string,
  write: (handle: FileHandle) => Promise<T>,
): Promise<T> {
  const temp = `${file}.tmp-${process.pid}`;
  let handle: FileHandle | undefined;
  try {
    handle = await open(temp, "w");
    const result = await write(handle);
    await handle.close();
    handle = undefined;
    await rename(temp, file);
    return result;
  } catch (error) {
    throw asOutputError(flag, file, temp, error);
  } finally {
    await handle?.close().catch(() => undefined);
    await rm(temp, { force: true }).catch(() => undefined);
  }
}

function asOutputError(flag: string, file: string, temp: string, error: unknown): unknown {
  const { code, path } = (error ?? {}) as NodeJS.ErrnoException;
  const why = code ? fileErrors[code] : undefined;
  // an error about another file (the input being read) is not the output's
  if (!why || (path !== undefined && path !== file && path !== temp)) return error;
  return new UserError(`${flag} ${file}: cannot write the file: ${why}`, {
    code: "usage.bad_output",
    hint: `give ${flag} a file in a directory you can write`,
    data: { flag, file, errno: code },
    cause: error,
  });
}
