import { randomBytes } from "node:crypto";
import { open, readFile, readdir, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { localFilesMatch, parseManifest, type DatasetManifest } from "./dataset-manifest.js";

/**
 * The local dataset cache is content-addressed: `<cacheDir>/<fingerprint>/` holds the same
 * bytes whoever rendered it. Several tunectl processes may render the same data at once, so
 * an entry is published with one rename of a private work directory, and an entry another
 * process published first is used, never replaced (a reader may be reading it).
 */
export interface PublishedEntry {
  manifest: DatasetManifest;
  /** True when another process had published the entry first: its manifest is returned. */
  reused: boolean;
}

/** A private directory for one render, named so a crashed render's leftovers can be found. */
export function workDirName(): string {
  return `tmp-${process.pid}-${randomBytes(6).toString("hex")}`;
}

export async function publishEntry(
  cacheDir: string,
  work: string,
  manifest: DatasetManifest,
): Promise<PublishedEntry> {
  const dir = join(cacheDir, manifest.fingerprint);
  for (let tries = 0; tries < 5; tries++) {
    try {
      await rename(work, dir);
      return { manifest, reused: false };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== "ENOTEMPTY" && code !== "EEXIST") throw error;
    }
    const existing = await completeEntry(dir, manifest.fingerprint);
    if (existing) {
      await rm(work, { recursive: true, force: true });
      return { manifest: existing, reused: true };
    }
    // Not a whole entry (entries appear whole, so this one was damaged after the fact):
    // moved aside with one rename, so a process checking it at the same time sees it or not.
    const aside = join(cacheDir, workDirName());
    await rename(dir, aside).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== "ENOENT") throw error;
    });
    await rm(aside, { recursive: true, force: true });
  }
  throw new Error(`could not publish the dataset cache entry ${dir}`);
}

/** The entry's manifest when the entry is whole: manifest valid, same fingerprint, every file its size. */
export async function completeEntry(
  dir: string,
  fingerprint: string,
): Promise<DatasetManifest | undefined> {
  const text = await readFile(join(dir, "manifest.json"), "utf8").catch(() => undefined);
  const manifest = text === undefined ? undefined : parseManifest(text);
  if (!manifest || manifest.fingerprint !== fingerprint) return undefined;
  return (await localFilesMatch(dir, manifest)) ? manifest : undefined;
}

/** Readers see the old or the new index, never a torn one; two writers write the same content. */
export async function writeIndexFile(file: string, content: string): Promise<void> {
  const temp = `${file}.${process.pid}-${randomBytes(4).toString("hex")}.tmp`;
  const handle = await open(temp, "wx");
  try {
    await handle.writeFile(content);
  } finally {
    await handle.close();
  }
  await rename(temp, file).catch(async (error: unknown) => {
    await rm(temp, { force: true });
    throw error;
  });
}

const leftoverAgeMs = 3_600_000;

/**
 * Work directories of renders whose process is gone (killed mid-render) are removed; a
 * directory is left alone while its process lives or for an hour, whichever is longer, so a
 * render by a process this machine cannot see (a shared filesystem) is never cut short.
 */
export async function sweepLeftovers(cacheDir: string): Promise<void> {
  const names = await readdir(cacheDir).catch(() => [] as string[]);
  for (const name of names) {
    const match = /^tmp-(\d+)-[0-9a-f]+$/.exec(name);
    if (!match || Number(match[1]) === process.pid || isAlive(Number(match[1]))) continue;
    const info = await stat(join(cacheDir, name)).catch(() => undefined);
    if (info && Date.now() - info.mtimeMs > leftoverAgeMs)
      await rm(join(cacheDir, name), { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
