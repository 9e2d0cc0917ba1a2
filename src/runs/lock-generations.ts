import { constants } from "node:fs";
import { open, readFile, readdir, stat } from "node:fs/promises";
import path from "node:path";
import { holderGone, parseHolder, type LockHolder } from "./lock-holder.js";

/** The generation files of one lock (`<name>.<g>`, see file-lock.ts), lowest first. */
export interface Generation {
  g: number;
  file: string;
}

/** Appends `released`; never creates the file (a holder above may have removed it already). */
export async function markReleased(file: string): Promise<void> {
  try {
    const handle = await open(file, constants.O_WRONLY | constants.O_APPEND);
    try {
      await handle.write("released\n");
    } finally {
      await handle.close();
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
}

/** The holder named in a generation file while it holds; undefined when released or gone. */
export async function liveHolder(file: string, staleMs: number): Promise<LockHolder | undefined> {
  const [text, info] = await Promise.all([
    readFile(file, "utf8").catch(() => undefined),
    stat(file).catch(() => undefined),
  ]);
  if (text === undefined || !info) return undefined; // removed meanwhile: a lower generation
  const [first = "", ...rest] = text.split("\n");
  if (rest.includes("released")) return undefined;
  const fresh = Date.now() - info.mtimeMs <= staleMs;
  const holder = parseHolder(first);
  // Created but not yet written (the writer is a microsecond behind): held while young.
  if (!holder) return fresh ? { pid: 0, host: "unknown" } : undefined;
  const gone = holderGone(holder);
  return gone === true || (gone === undefined && !fresh) ? undefined : holder;
}

export async function generations(lockPath: string): Promise<Generation[]> {
  const dir = path.dirname(lockPath);
  const prefix = `${path.basename(lockPath)}.`;
  const names = await readdir(dir);
  return names
    .filter((name) => name.startsWith(prefix) && /^\d+$/.test(name.slice(prefix.length)))
    .map((name) => ({ g: Number(name.slice(prefix.length)), file: path.join(dir, name) }))
    .sort((a, b) => a.g - b.g);
}
