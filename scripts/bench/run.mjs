#!/usr/bin/env node
// `npm run bench -- <name> [args...]`: runs scripts/bench/<name>.mjs against the built CLI.
import { readdir } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const [name, ...args] = process.argv.slice(2);
const available = (await readdir(here))
  .filter((file) => file.endsWith(".mjs") && !["run.mjs", "measure.mjs"].includes(file))
  .map((file) => file.replace(/\.mjs$/, ""))
  .sort();

if (!name || !available.includes(name)) {
  process.stderr.write(`usage: npm run bench -- <name>\nbenchmarks: ${available.join(", ")}\n`);
  process.exit(2);
}
const { BenchSetupError } = await import(pathToFileURL(path.join(here, "measure.mjs")).href);
const bench = await import(pathToFileURL(path.join(here, `${name}.mjs`)).href);
try {
  await bench.default(args);
} catch (error) {
  if (!(error instanceof BenchSetupError)) throw error;
  process.stderr.write(`bench ${name}: ${error.message}\n`);
  process.exit(3);
}
