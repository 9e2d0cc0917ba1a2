#!/usr/bin/env node
// Regenerate configs/schema.json (the editor schema of experiment files) from the built zod
// schema: `npm run build && node scripts/generate-json-schema.mjs`. A unit test
// (src/config/json-schema.test.ts) fails when the committed file is stale.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const { experimentJsonSchema } = await import(path.join(root, "dist", "config", "index.js"));
let text = `${JSON.stringify(experimentJsonSchema(), null, 2)}\n`;
try {
  const prettier = await import("prettier");
  text = await prettier.format(text, { parser: "json", printWidth: 100 });
} catch {
  // prettier is a devDependency; without it the file is still valid JSON
}
const target = path.join(root, "configs", "schema.json");
writeFileSync(target, text);
process.stdout.write(`wrote ${path.relative(process.cwd(), target)}\n`);
