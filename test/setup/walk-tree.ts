import type { Dirent } from "node:fs";
import { readdir } from "node:fs/promises";
import path from "node:path";

/**
 * Every entry below `dir`, never following a symlink. Node 20's `readdir({recursive: true})`
 * follows symlinked directories, so a planted `ln -s / x` would make it walk the whole machine.
 */
export async function walkTree(dir: string): Promise<Array<{ path: string; entry: Dirent }>> {
  const found: Array<{ path: string; entry: Dirent }> = [];
  const pending = [dir];
  while (pending.length > 0) {
    const current = pending.pop()!;
    const entries = await readdir(current, { withFileTypes: true }).catch(() => [] as Dirent[]);
    for (const entry of entries) {
      const full = path.join(current, entry.name);
      found.push({ path: full, entry });
      if (entry.isDirectory()) pending.push(full);
    }
  }
  return found;
}
