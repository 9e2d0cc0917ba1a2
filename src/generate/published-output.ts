import { randomBytes } from "node:crypto";
import { link, mkdir, readFile, rename, rm } from "node:fs/promises";
import path from "node:path";
import { writeTempFile } from "../runs/index.js";
import { sha256 } from "./content-key.js";
import type { OutputManifest } from "./generate-data.js";

/**
 * A generated output published in the workspace cache as `<key>.jsonl` beside
 * `<key>.manifest.json`, named by its output key. Content-addressed: published once, data
 * first and manifest last, each by a hard link that fails when the name exists, so an entry
 * another process published first is kept, never replaced (a reader may be rendering it).
 */
export async function publishOutput(
  output: string,
  published: string,
  manifest: OutputManifest,
): Promise<string> {
  const content = await readFile(output);
  if (sha256(content) !== manifest.sha256) {
    throw new Error(`${output} changed while it was being published`);
  }
  // A partial output (a budget stopped it) has a name of its own: the same key finished later
  // is other content and must not find this one in its place.
  const file = manifest.complete
    ? published
    : published.replace(/\.jsonl$/, `.partial-${manifest.sha256.slice(0, 12)}.jsonl`);
  await mkdir(path.dirname(file), { recursive: true });
  await publishOnce(file, content);
  await publishOnce(manifestOf(file), `${JSON.stringify(manifest, null, 2)}\n`);
  return file;
}

/** The manifest of a published output, when it names this key, is complete, and matches. */
export async function publishedOutput(
  published: string,
  key: string,
): Promise<OutputManifest | undefined> {
  try {
    const manifest = JSON.parse(await readFile(manifestOf(published), "utf8")) as OutputManifest;
    if (manifest.key !== key || !manifest.complete) return undefined;
    return sha256(await readFile(published)) === manifest.sha256 ? manifest : undefined;
  } catch {
    return undefined;
  }
}

async function linked(temp: string, file: string): Promise<boolean> {
  try {
    await link(temp, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  }
}

const manifestOf = (published: string) => published.replace(/\.jsonl$/, ".manifest.json");

async function publishOnce(file: string, content: string | Buffer): Promise<void> {
  const temp = await writeTempFile(file, content);
  try {
    if (await linked(temp, file)) return;
    // Taken: by the same content (another process was first), or by a file damaged since;
    // that one is moved aside, as the data cache does, and this one published.
    const there = await readFile(file).catch(() => undefined);
    if (there && sha256(there) === sha256(content)) return;
    await rename(file, `${file}.damaged-${randomBytes(4).toString("hex")}`).catch(() => undefined);
    await linked(temp, file);
  } finally {
    await rm(temp, { force: true });
  }
}
