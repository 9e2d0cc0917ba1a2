import { randomBytes } from "node:crypto";
import { mkdir, readdir, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import { UserError } from "../errors/index.js";

/**
 * `--out DIR` is refused up front when it holds anything (unless --force) or cannot be a
 * directory; the export is written into a temp directory beside it and renamed into place at
 * the end, so a failed export leaves neither a half-written DIR nor a temp behind.
 */
export async function checkOutDir(out: string, force: boolean): Promise<void> {
  const parent = path.dirname(out);
  const parentStat = await stat(parent).catch(() => null);
  if (!parentStat?.isDirectory()) {
    throw new UserError(`--out ${out}: its parent directory ${parent} does not exist`, {
      code: "usage.bad_output",
      hint: `create ${parent} first, or give --out a directory in one that exists`,
    });
  }
  const found = await stat(out).catch(() => null);
  if (!found) return;
  if (!found.isDirectory()) {
    throw new UserError(`--out ${out} is a file, not a directory`, {
      code: "usage.bad_output",
      hint: "give --out a new or empty directory",
    });
  }
  const entries = await readdir(out);
  if (entries.length > 0 && !force) {
    throw new UserError(`--out ${out} is not empty (${entries.length} entries)`, {
      code: "export.out_not_empty",
      hint: "give --out a new or empty directory, or add --force to replace it",
      data: { out, entries: entries.length },
    });
  }
}

export async function makeStagingDir(out: string): Promise<string> {
  const staging = `${out}.tmp-${process.pid}-${randomBytes(3).toString("hex")}`;
  await mkdir(staging);
  return staging;
}

/** Put `ready` (a directory beside `out`) at `out`, replacing what is there. */
export async function publishDir(ready: string, out: string): Promise<void> {
  const existing = await stat(out).catch(() => null);
  if (!existing) {
    await rename(ready, out);
    return;
  }
  const old = `${out}.old-${process.pid}-${randomBytes(3).toString("hex")}`;
  await rename(out, old);
  try {
    await rename(ready, out);
  } catch (error) {
    await rename(old, out).catch(() => undefined);
    throw error;
  }
  await rm(old, { recursive: true, force: true });
}
