import { randomBytes } from "node:crypto";
import { open, rename, rm } from "node:fs/promises";
import path from "node:path";

/**
 * Write a file so readers see the old or the new content, never a torn one: a temp file of
 * this writer's own (random name, created O_EXCL), fsync, then rename over the target. Two
 * writers at once each rename a whole file: the last rename wins, nothing is mixed.
 */
export async function writeFileAtomic(file: string, content: string | Buffer): Promise<void> {
  const temp = await writeTempFile(file, content);
  try {
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/**
 * `content` written and fsynced to a temp file of this writer's own beside `file` (random
 * name, created O_EXCL); the caller renames or links it into place and removes it if not.
 */
export async function writeTempFile(file: string, content: string | Buffer): Promise<string> {
  const temp = path.join(
    path.dirname(file),
    `.${path.basename(file)}.${process.pid}-${randomBytes(6).toString("hex")}.tmp`,
  );
  try {
    const handle = await open(temp, "wx", 0o644);
    try {
      await handle.writeFile(content);
      await handle.sync();
    } finally {
      await handle.close();
    }
    return temp;
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/** Append whole lines with one write on an O_APPEND descriptor, so concurrent appenders never interleave a line. */
export async function appendLines(file: string, lines: string[]): Promise<void> {
  if (lines.length === 0) return;
  const handle = await open(file, "a", 0o644);
  try {
    await handle.write(lines.map((line) => `${line}\n`).join(""));
  } finally {
    await handle.close();
  }
}
