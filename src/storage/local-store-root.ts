import { access, constants, mkdir, stat } from "node:fs/promises";
import { dirname } from "node:path";
import { InfraError, UserError } from "../errors/index.js";

const hint =
  "set `storage` in tunectl.yaml to a directory you can write (or an s3://bucket/prefix URI)";

/**
 * Make sure a local store's root is a directory this process can write, creating the missing
 * part one level at a time. Recursive mkdir is avoided on purpose: under /proc it never
 * returns (Node 20), and a file in the path must be named, not reported as ENOTDIR.
 */
export async function ensureStoreRoot(root: string): Promise<void> {
  const missing: string[] = [];
  let dir = root;
  for (;;) {
    const info = await statOrMissing(dir);
    if (info) {
      if (!info.isDirectory()) {
        throw new UserError(`storage ${root}: ${dir} is a file, not a directory`, {
          code: "storage.bad_path",
          hint,
          data: { root, file: dir },
        });
      }
      break;
    }
    missing.unshift(dir);
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  for (const part of missing) {
    try {
      await mkdir(part);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "EEXIST") continue;
      throw refusal(root, `cannot create ${part}`, error);
    }
  }
  try {
    await access(root, constants.W_OK);
  } catch (error) {
    throw refusal(root, "the directory is not writable", error);
  }
}

/** A file-system refusal under the store as what a person acts on; other errors unchanged. */
export function storagePathError(root: string, what: string, error: unknown): unknown {
  const { path } = (error ?? {}) as NodeJS.ErrnoException;
  // an error about a file elsewhere (the source of a copy) is not the store's
  if (path !== undefined && !path.startsWith(root)) return error;
  return refusal(root, what, error);
}

function refusal(root: string, what: string, error: unknown): unknown {
  const code = (error as NodeJS.ErrnoException)?.code;
  if (code === "ENOSPC" || code === "EDQUOT") {
    return new InfraError(`storage ${root}: the disk is full`, {
      code: "storage.disk_full",
      hint: "free space there, or point `storage` in tunectl.yaml elsewhere",
      cause: error,
    });
  }
  if (!code || !["ENOENT", "ENOTDIR", "EACCES", "EPERM", "EROFS", "EEXIST"].includes(code)) {
    return error;
  }
  return new UserError(`storage ${root}: ${what} (${code})`, {
    code: "storage.bad_path",
    hint,
    data: { root },
    cause: error,
  });
}

async function statOrMissing(path: string) {
  try {
    return await stat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return undefined;
    if (code === "ENOTDIR") return undefined;
    throw error;
  }
}
