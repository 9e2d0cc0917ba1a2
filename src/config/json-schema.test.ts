import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { loadExperiment } from "./experiment.js";
import { experimentJsonSchema } from "./json-schema.js";

describe("configs/schema.json", () => {
  it("is up to date (regenerate: npm run build && node scripts/generate-json-schema.mjs)", () => {
    const committed: unknown = JSON.parse(readFileSync("configs/schema.json", "utf8"));
    expect(committed).toEqual(experimentJsonSchema());
  });

  it("describes the experiment as written (defaults optional)", () => {
    const schema = experimentJsonSchema() as { required?: string[]; properties: object };
    expect(schema.required).toEqual(["name", "data"]);
    expect(Object.keys(schema.properties)).toContain("train");
  });
});

describe("the example experiments", () => {
  const examples = ["tiny-cpu", "alpaca-lora", "vicuna-sharegpt"];

  it.each(examples)("%s.yaml is valid and points its editor at schema.json", async (name) => {
    const text = readFileSync(`configs/${name}.yaml`, "utf8");
    expect(text.split("\n")[0]).toBe("# yaml-language-server: $schema=./schema.json");
    const loaded = await loadExperiment(`configs/${name}.yaml`, { env: {} });
    expect(loaded.experiment.name).toBeTruthy();
  });

  it.each(examples)("%s.yaml passes the JSON Schema as an editor sees it", (name) => {
    // ajv 6 (draft 7) comes with eslint; the schema targets draft 7 for editor plugins.
    const Ajv = createRequire(import.meta.url)("ajv") as new (o: object) => {
      validate(schema: object, data: unknown): boolean;
      errors?: unknown;
    };
    const ajv = new Ajv({ allErrors: true, schemaId: "auto" });
    const document: unknown = parse(readFileSync(`configs/${name}.yaml`, "utf8"));
    const ok = ajv.validate(experimentJsonSchema(), document);
    expect(ajv.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });
});
