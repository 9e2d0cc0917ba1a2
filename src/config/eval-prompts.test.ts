import path from "node:path";
import { describe, expect, it } from "vitest";
import { UserError } from "../errors/index.js";
import { loadExperiment, validateExperiment } from "./experiment.js";
import { minimal, tempFiles } from "./testing/temp-files.js";

const env = {};

async function problemsOf(files: Record<string, string>) {
  const cwd = tempFiles(files);
  const result = await validateExperiment("exp.yaml", { cwd, env });
  return result.problems.map((p) => ({
    at: p.position ? `${p.position.file}:${p.position.line ?? ""}` : "",
    message: p.message,
  }));
}

describe("eval.prompts", () => {
  it("is absent by default: the trainer picks eval records' prompts", async () => {
    const cwd = tempFiles({ "exp.yaml": minimal });
    const { experiment } = await loadExperiment("exp.yaml", { cwd, env });
    expect(experiment.eval).toEqual({});
  });

  it("takes an inline list of instructions and objects", async () => {
    const cwd = tempFiles({
      "exp.yaml": `${minimal}eval:\n  prompts:\n    - Say hi.\n    - {id: up, instruction: Upper case it., input: door}\n`,
    });
    const { experiment, yaml } = await loadExperiment("exp.yaml", { cwd, env });
    expect(experiment.eval.prompts).toEqual([
      "Say hi.",
      { id: "up", instruction: "Upper case it.", input: "door" },
    ]);
    expect(yaml).toContain("instruction: Upper case it.");
  });

  it("reads a .jsonl file relative to the file that names it, into the resolved config", async () => {
    const cwd = tempFiles({
      "sub/base.yaml": "eval:\n  prompts: prompts.jsonl\n",
      "sub/prompts.jsonl":
        '"Say hi."\n\n{"id": "up", "instruction": "Upper case it.", "system": "Be brief."}\n',
      "exp.yaml": `extends: sub/base.yaml\n${minimal}`,
    });
    const { experiment, yaml } = await loadExperiment("exp.yaml", { cwd, env });
    expect(experiment.eval.prompts).toEqual([
      "Say hi.",
      { id: "up", instruction: "Upper case it.", system: "Be brief." },
    ]);
    expect(yaml).not.toContain("prompts.jsonl"); // a resume asks the same prompts
  });

  it("reads any other file as one instruction a line", async () => {
    const cwd = tempFiles({
      "p.txt": "Say hi.\n\nName a colour.\n",
      "exp.yaml": `${minimal}eval: {prompts: p.txt}\n`,
    });
    const { experiment } = await loadExperiment("exp.yaml", { cwd, env });
    expect(experiment.eval.prompts).toEqual(["Say hi.", "Name a colour."]);
  });

  it("refuses a bad line of a prompts file at FILE:LINE", async () => {
    const problems = await problemsOf({
      "p.jsonl": '"fine"\n{"instruction": 3}\n{not json\n{"instruction": "x", "output": "y"}\n',
      "exp.yaml": `${minimal}eval: {prompts: p.jsonl}\n`,
    });
    expect(problems.map((p) => p.at)).toEqual([
      expect.stringMatching(/p\.jsonl:2$/),
      expect.stringMatching(/p\.jsonl:3$/),
      expect.stringMatching(/p\.jsonl:4$/),
    ]);
    expect(problems[0]!.message).toMatch(/^not a prompt/);
    expect(problems[1]!.message).toMatch(/^not JSON/);
  });

  it("refuses a missing file at the key that names it, an empty file, and a repeated id", async () => {
    const missing = await problemsOf({ "exp.yaml": `${minimal}eval:\n  prompts: nope.jsonl\n` });
    expect(missing).toEqual([
      { at: "exp.yaml:7", message: expect.stringMatching(/prompts file nope\.jsonl is not found/) },
    ]);
    const empty = await problemsOf({
      "p.txt": "\n\n",
      "exp.yaml": `${minimal}eval: {prompts: p.txt}\n`,
    });
    expect(empty[0]!.message).toBe("the prompts file has no prompts");
    const twice = await problemsOf({
      "exp.yaml": `${minimal}eval:\n  prompts:\n    - {id: a, instruction: x}\n    - {id: a, instruction: y}\n`,
    });
    expect(twice).toEqual([
      { at: "exp.yaml:9", message: "prompt id a is used twice (first by prompt 1)" },
    ]);
  });

  it("is a config error (exit 2) through loadExperiment", async () => {
    const cwd = tempFiles({
      "p.jsonl": "[1]\n",
      "exp.yaml": `${minimal}eval: {prompts: p.jsonl}\n`,
    });
    const error = await loadExperiment(path.join(cwd, "exp.yaml"), { cwd, env }).catch((e) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).code).toBe("config.invalid");
  });
});
