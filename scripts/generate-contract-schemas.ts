// Write the trainer contract's JSON Schema files (scripts/trainer/trainer/schemas/*.schema.json)
// from the zod schemas in src/contract/: `npm run schemas`. With --check (part of `npm run
// lint`) nothing is written; it fails, listing the files, when the committed ones have drifted.
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { contractJsonSchemas, contractSchemaDir } from "../src/contract/index.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const dir = path.join(root, contractSchemaDir);
const check = process.argv.includes("--check");
const wanted = new Map(
  Object.entries(contractJsonSchemas()).map(([name, schema]) => [
    name,
    `${JSON.stringify(schema, null, 2)}\n`,
  ]),
);
const present = existsSync(dir) ? readdirSync(dir).filter((n) => n.endsWith(".schema.json")) : [];
const stale = [
  ...[...wanted].filter(([name, text]) => {
    const file = path.join(dir, name);
    return !existsSync(file) || readFileSync(file, "utf8") !== text;
  }),
].map(([name]) => name);
const extra = present.filter((name) => !wanted.has(name));

if (check) {
  if (stale.length + extra.length === 0) process.exit(0);
  process.stderr.write(
    `${contractSchemaDir} has drifted from src/contract/ (${[...stale, ...extra].join(", ")}): run \`npm run schemas\`\n`,
  );
  process.exit(1);
}
mkdirSync(dir, { recursive: true });
for (const name of stale) writeFileSync(path.join(dir, name), wanted.get(name)!);
process.stdout.write(
  stale.length
    ? `wrote ${stale.map((n) => path.join(contractSchemaDir, n)).join(", ")}\n`
    : `${contractSchemaDir} is up to date\n`,
);
if (extra.length) process.stdout.write(`not generated (remove them?): ${extra.join(", ")}\n`);
