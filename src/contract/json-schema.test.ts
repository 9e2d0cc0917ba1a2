import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { contractJsonSchemas, contractSchemaDir } from "./json-schema.js";

describe("the trainer's JSON Schema files", () => {
  it("are the ones src/contract generates (regenerate: npm run schemas)", () => {
    const wanted = contractJsonSchemas();
    const present = readdirSync(contractSchemaDir).filter((n) => n.endsWith(".schema.json"));
    expect(present.sort()).toEqual(Object.keys(wanted).sort());
    for (const [name, schema] of Object.entries(wanted)) {
      const committed: unknown = JSON.parse(
        readFileSync(path.join(contractSchemaDir, name), "utf8"),
      );
      expect(committed, name).toEqual(schema);
    }
  });

  it("require every resolved train.json field, so the trainer keeps no defaults", () => {
    const train = contractJsonSchemas()["train.schema.json"] as {
      required: string[];
      properties: Record<string, { required?: string[]; additionalProperties?: boolean }>;
    };
    expect(train.required).toEqual([
      "contract",
      "run_id",
      "name",
      "model",
      "lora",
      "train",
      "data",
      "tracking",
    ]);
    expect(train.properties.tracking?.required).toEqual(["tensorboard"]);
    expect(train.properties.lora?.required).toContain("bias");
    expect(train.properties.train?.required).toContain("gradient_accumulation_steps");
    expect(train.properties.train?.additionalProperties).toBe(false);
  });

  it("require the attempt on every metrics and generations line", () => {
    const schemas = contractJsonSchemas();
    for (const name of ["metric-line.schema.json", "generation-line.schema.json"]) {
      expect((schemas[name] as { required: string[] }).required, name).toContain("attempt");
    }
  });
});
