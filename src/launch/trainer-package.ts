import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { remoteError } from "../errors/index.js";
import type { RemoteHost } from "../hosts/index.js";

/** The trainer package shipped with tunectl (scripts/trainer/trainer): its modules and contract schemas. */
export const trainerSourceDir = fileURLToPath(new URL("../../scripts/trainer/", import.meta.url));

async function trainerFiles(): Promise<string[]> {
  const root = path.join(trainerSourceDir, "trainer");
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && /\.py$|\.schema\.json$/.test(entry.name))
    .map((entry) => path.relative(trainerSourceDir, path.join(entry.parentPath, entry.name)))
    .sort();
}

const publish = `dest=$1 tmp=$2
touch "$tmp/.complete" || exit 1
# When another launch published first, mv puts this copy inside the published one: removed.
mv "$tmp" "$dest" 2>/dev/null
rm -rf "$dest/\${tmp##*/}" "$tmp"
[ -f "$dest/.complete" ]`;

/**
 * For the process runtime: copy the trainer package into the host's workdir once per content
 * hash (nothing is installed on the host outside its workdir). Returns the PYTHONPATH entry.
 */
export async function shipTrainer(host: RemoteHost, workdir: string): Promise<string> {
  const files = await trainerFiles();
  const hash = createHash("sha256");
  const contents = await Promise.all(
    files.map((file) => readFile(path.join(trainerSourceDir, file))),
  );
  files.forEach((file, i) => hash.update(file).update("\0").update(contents[i]!));
  const dest = path.posix.join(workdir, "trainer", hash.digest("hex").slice(0, 16));
  if (await host.stat(`${dest}/.complete`)) return dest;

  const tmp = `${dest}.tmp-${process.pid}-${Date.now()}`;
  const dirs = [...new Set(files.map((file) => path.posix.join(tmp, path.posix.dirname(file))))];
  await host.exec(["mkdir", "-p", ...dirs]);
  for (const [i, file] of files.entries()) {
    await host.writeFile(path.posix.join(tmp, file), contents[i]!);
  }
  const result = await host.script(publish, [dest, tmp]);
  if (result.code !== 0)
    throw remoteError(`installing the trainer in ${workdir} on ${host.name}`, result.stderr);
  return dest;
}
