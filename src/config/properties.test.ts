import { writeFileSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { UserError } from "../errors/index.js";
import { loadExperiment, validateExperiment } from "./experiment.js";
import { leafPaths } from "./schema-walk.js";
import { experimentSchema } from "./schema/index.js";
import { minimal, tempFiles } from "./testing/temp-files.js";

const cwd = tempFiles({ "base.yaml": minimal });
const file = path.join(cwd, "exp.yaml");
const env = { HOME: "/home/x", EMPTY: "" };

/** Values shaped like experiment sections, with wrong types and unknown keys mixed in. */
const knownKeys = [...new Set(leafPaths(experimentSchema).flatMap((p) => p.split(".")))];
const key = fc.oneof(fc.constantFrom(...knownKeys, "extends", "__proto__"), fc.string());
const scalar = fc.oneof(
  fc.string(),
  fc.constantFrom(
    "${env:HOME}",
    "${env:NOPE}",
    "${env:NOPE:-1e-4}",
    "$${env:X}",
    "${env:}",
    "base.yaml",
  ),
  fc.double(),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
);
const value = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: "small" }, scalar, tie("list"), tie("map")),
  list: fc.array(tie("node"), { maxLength: 4 }),
  map: fc.dictionary(key, tie("node"), { maxKeys: 5 }),
})).node;

/** The only acceptable outcomes: a loaded experiment or a UserError listing problems. */
async function outcome(sets: string[] = []): Promise<"ok" | "invalid"> {
  const result = await validateExperiment(file, { cwd, env, sets });
  expect(result.loaded !== undefined).toBe(result.problems.length === 0);
  for (const problem of result.problems) {
    expect(typeof problem.message).toBe("string");
    expect(problem.position?.file).toBeTruthy();
  }
  try {
    await loadExperiment(file, { cwd, env, sets });
    return "ok";
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).problems.length).toBeGreaterThan(0);
    return "invalid";
  }
}

describe("random input only ever gives a result or a UserError", () => {
  it("random YAML documents built from experiment-like values", async () => {
    await fc.assert(
      fc.asyncProperty(fc.dictionary(key, value, { maxKeys: 8 }), async (doc) => {
        writeFileSync(file, stringify(doc));
        await outcome();
      }),
      { numRuns: 200 },
    );
  });

  it("random text as a YAML file", async () => {
    const yamlish = fc.stringMatching(/^[a-z_:{}[\],\-#&*!|>'" \n0-9.$]{0,80}$/);
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string(), yamlish), async (text) => {
        writeFileSync(file, `extends: base.yaml\n${text}`);
        await outcome();
      }),
      { numRuns: 300 },
    );
  });

  it("random --set flags on a valid file", async () => {
    writeFileSync(file, "extends: base.yaml\n");
    const paths = leafPaths(experimentSchema);
    const setPath = fc.oneof(fc.constantFrom(...paths), fc.string());
    const setValue = fc.oneof(
      fc.string(),
      scalar.map(String),
      value.map((v) => stringify(v, { flow: true }).trim()),
    );
    const flag = fc.oneof(
      fc.tuple(setPath, setValue).map(([p, v]) => `${p}=${v}`),
      fc.string(),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(flag, { maxLength: 4 }), async (sets) => {
        await outcome(sets);
      }),
      { numRuns: 300 },
    );
  });
});
