import path from "node:path";
import { describe, expect, it } from "vitest";
import { UserError, formatProblem } from "../errors/index.js";
import { loadExperiment, validateExperiment } from "./experiment.js";
import { minimal, tempFiles } from "./testing/temp-files.js";

async function problemsOf(
  files: Record<string, string>,
  options: { sets?: string[]; env?: Record<string, string> } = {},
  entry = "exp.yaml",
) {
  const cwd = tempFiles(files);
  const result = await validateExperiment(entry, {
    cwd,
    env: options.env ?? {},
    sets: options.sets,
  });
  return result.problems.map(formatProblem);
}

describe("validateExperiment: bad input points at file:line:col", () => {
  it("points at bad text-label and mixture settings by their config path", async () => {
    const source = (extra: string) =>
      `name: t\ndata:\n  train:\n    - path: d.csv\n      format: text-label\n${extra}`;
    const lines = await problemsOf({
      "exp.yaml": source(
        "      weight: 0\n      text_label:\n        options: {style: fancy}\n        mix: {few_shot: 0.5, zero_shot: 0.2}\n        phrasings:\n          - {id: a, instruction: x}\n          - {id: a, instruction: y}\n",
      ),
    });
    const text = lines.join("\n");
    expect(text).toMatch(/exp\.yaml:6:\d+: data\.train\.0\.weight: /);
    expect(text).toMatch(/exp\.yaml:8:\d+: data\.train\.0\.text_label\.options\.style: /);
    // the cross-field rules run once the types are right
    const rules = await problemsOf({
      "exp.yaml": source(
        "      text_label:\n        mix: {few_shot: 0.5, zero_shot: 0.2}\n        phrasings:\n          - {id: a, instruction: x}\n          - {id: a, instruction: y}\n",
      ),
    });
    expect(rules.join("\n")).toContain(
      'data.train.0.text_label.phrasings.1.id: template id "a" is used twice',
    );
    expect(rules.join("\n")).toContain(
      "data.train.0.text_label.mix.few_shot: mix.zero_shot (0.2) and mix.few_shot (0.5) must sum to 1",
    );
    const noK = await problemsOf({
      "exp.yaml": source("      text_label: {mix: {few_shot: 0.3}}\n"),
    });
    expect(noK.join("\n")).toContain("few-shot records need text_label.few_shot.k");
  });

  it("reports a YAML syntax error with its position", async () => {
    const lines = await problemsOf({ "exp.yaml": "name: t\ndata: [1\ntrain: {}\n" });
    expect(lines[0]).toMatch(/^exp\.yaml:3:1: YAML syntax error: /);
  });

  it("reports a wrong type at the value", async () => {
    const lines = await problemsOf({ "exp.yaml": `${minimal}train:\n  learning_rate: fast\n` });
    expect(lines).toEqual([
      'exp.yaml:7:18: train.learning_rate: wrong type: string "fast" (expected a number)',
    ]);
  });

  it("rejects an unknown key at the key, with a suggestion", async () => {
    const lines = await problemsOf({
      "exp.yaml": `${minimal}train:\n  learning_rat: 0.1\n  max_steps: 1\n`,
    });
    expect(lines[0]?.split("\n")[0]).toBe(
      "exp.yaml:7:3: train.learning_rat: unknown key; did you mean learning_rate?",
    );
    expect(lines[0]?.split("\n")[1]).toMatch(/^ {2}hint: train has: epochs, max_steps, /);
  });

  it("suggests across a swap of two letters", async () => {
    const lines = await problemsOf({
      "exp.yaml": `${minimal}model:\n  dtpye: bf16\ntrain: {max_steps: 1}\n`,
    });
    expect(lines[0]).toMatch(/^exp\.yaml:7:3: model\.dtpye: unknown key; did you mean dtype\?/);
  });

  it("lists the allowed values of an enum", async () => {
    const lines = await problemsOf({ "exp.yaml": `${minimal}train:\n  lr_scheduler: step\n` });
    expect(lines).toEqual([
      'exp.yaml:7:17: train.lr_scheduler: string "step" is not allowed (expected one of "constant", "linear", "cosine")',
    ]);
  });

  it("points a missing required field at its parent key", async () => {
    const lines = await problemsOf({ "exp.yaml": "name: t\ndata:\n  template: alpaca\n" });
    expect(lines).toEqual(["exp.yaml:2:1: data.train: missing required field (expected a list)"]);
  });

  it("points a missing top-level field at the start of the file", async () => {
    const lines = await problemsOf({ "exp.yaml": "# c\nmodel: {dtype: bf16}\n" });
    expect(lines).toContain("exp.yaml:2:1: name: missing required field (expected a string)");
    expect(lines).toContain(
      "exp.yaml:2:1: data: missing required field (expected a mapping of keys)",
    );
  });

  it("reports an empty value as missing, at its key", async () => {
    const lines = await problemsOf({ "exp.yaml": "name: t\ndata:\n" });
    expect(lines).toEqual([
      "exp.yaml:2:1: data: missing required field (expected a mapping of keys)",
    ]);
  });

  it("reports a bound with the limit", async () => {
    const lines = await problemsOf({
      "exp.yaml": `${minimal}lora: {r: 0}\ntrain: {max_steps: 1}\n`,
    });
    expect(lines).toEqual(["exp.yaml:6:11: lora.r: number 0 is too small (expected a number > 0)"]);
  });

  it("reports a bad record key at the key", async () => {
    const lines = await problemsOf({ "exp.yaml": `${minimal}env:\n  1BAD: x\n` });
    expect(lines[0]).toMatch(/^exp\.yaml:7:3: env\.1BAD: bad key "1BAD": must be an environment/);
  });

  it("collects every problem, not just the first", async () => {
    const lines = await problemsOf({
      "exp.yaml": `${minimal}train:\n  seed: x\n  lr: 1\nlora:\n  bias: some\n`,
    });
    expect(lines).toHaveLength(3);
  });

  it("refuses a file that is not a mapping", async () => {
    const lines = await problemsOf({ "exp.yaml": "- a\n- b\n" });
    expect(lines[0]).toMatch(/^exp\.yaml:1:1: the file must be a mapping/);
  });

  it("names a missing experiment file", async () => {
    const lines = await problemsOf({}, {}, "nope.yaml");
    expect(lines).toEqual(["nope.yaml: file not found"]);
  });
});

describe("cross-field rules", () => {
  it("refuses epochs and max_steps together, at max_steps", async () => {
    const lines = await problemsOf({
      "exp.yaml": `${minimal}train:\n  epochs: 1\n  max_steps: 5\n`,
    });
    expect(lines).toEqual([
      "exp.yaml:8:14: train.max_steps: set either train.epochs or train.max_steps, not both",
    ]);
  });

  it("refuses eval_steps without eval data", async () => {
    const lines = await problemsOf({
      "exp.yaml": `${minimal}train:\n  eval_steps: 5\n  max_steps: 1\n`,
    });
    expect(lines).toEqual([
      "exp.yaml:7:15: train.eval_steps: train.eval_steps needs evaluation data: set data.eval_split or data.eval",
    ]);
  });

  it("refuses warmup_ratio and warmup_steps together", async () => {
    const lines = await problemsOf({
      "exp.yaml": `${minimal}train:\n  warmup_ratio: 0.1\n  warmup_steps: 5\n  max_steps: 1\n`,
    });
    expect(lines[0]).toMatch(/^exp\.yaml:8:17: train\.warmup_steps: set either/);
  });
});

describe("extends", () => {
  it("reports a missing base file where it is referenced", async () => {
    const lines = await problemsOf({ "exp.yaml": `extends: ./gone.yaml\n${minimal}` });
    expect(lines[0]).toBe(
      "exp.yaml:1:10: extends: gone.yaml: file not found\n  hint: extends paths are relative to the file that declares them",
    );
  });

  it("reports a cycle with the chain", async () => {
    const lines = await problemsOf({
      "a.yaml": "extends: b.yaml\n",
      "b.yaml": "extends: [./a.yaml]\n",
      "exp.yaml": `extends: a.yaml\n${minimal}`,
    });
    expect(lines[0]).toMatch(
      /^b\.yaml:1:11: extends: extends cycle: a\.yaml -> b\.yaml -> a\.yaml/,
    );
  });

  it("positions an error inside an extended file in that file", async () => {
    const lines = await problemsOf({
      "bases/base.yaml": "train:\n  micro_batch_size: many\n",
      "exp.yaml": `extends: bases/base.yaml\n${minimal}`,
    });
    expect(lines).toEqual([
      `${path.join("bases", "base.yaml")}:2:21: train.micro_batch_size: wrong type: string "many" (expected a number)`,
    ]);
  });

  it("reports a YAML syntax error inside an extended file", async () => {
    const lines = await problemsOf({
      "base.yaml": "train: {a: 1\n",
      "exp.yaml": `extends: base.yaml\n${minimal}`,
    });
    expect(lines[0]).toMatch(/^base\.yaml:2:1: YAML syntax error/);
  });

  it("deep-merges maps, replaces lists, later files win", async () => {
    const cwd = tempFiles({
      "one.yaml":
        "lora: {r: 4, alpha: 8, target_modules: [a, b, c]}\ntrain: {seed: 1, max_steps: 1}\n",
      "two.yaml": "lora: {r: 2, target_modules: [v_proj]}\n",
      "exp.yaml": `extends: [one.yaml, two.yaml]\n${minimal}lora:\n  alpha: 64\n`,
    });
    const { experiment, files } = await loadExperiment("exp.yaml", { cwd, env: {} });
    expect(experiment.lora).toMatchObject({ r: 2, alpha: 64, target_modules: ["v_proj"] });
    expect(experiment.train.seed).toBe(1);
    expect(files.map((f) => path.basename(f))).toEqual(["exp.yaml", "one.yaml", "two.yaml"]);
  });

  it("lets a null unset an inherited value", async () => {
    const cwd = tempFiles({
      "base.yaml": "train: {max_steps: 10}\n",
      "exp.yaml": `extends: base.yaml\n${minimal}train:\n  max_steps: null\n  epochs: 2\n`,
    });
    const { experiment } = await loadExperiment("exp.yaml", { cwd, env: {} });
    expect(experiment.train.max_steps).toBeUndefined();
    expect(experiment.train.epochs).toBe(2);
  });

  it("resolves data paths against the file that declared them", async () => {
    const cwd = tempFiles({
      "shared/base.yaml":
        "data:\n  train: [{path: data/a.jsonl, format: alpaca}]\n  eval: [{path: s3://b/e.jsonl, format: alpaca}]\n",
      "exp/run.yaml": "extends: ../shared/base.yaml\nname: r\ntrain: {epochs: 1}\n",
    });
    const { experiment, yaml } = await loadExperiment("exp/run.yaml", { cwd, env: {} });
    expect((experiment.data.train[0] as { path?: string } | undefined)?.path).toBe(
      path.join(cwd, "shared", "data", "a.jsonl"),
    );
    expect((experiment.data.eval?.[0] as { path?: string } | undefined)?.path).toBe(
      "s3://b/e.jsonl",
    );
    expect(yaml).toContain("name: r");
    expect(yaml).not.toContain("extends");
  });
});

describe("env interpolation", () => {
  it("substitutes variables and defaults, typed by the schema", async () => {
    const cwd = tempFiles({
      "exp.yaml": `${minimal}model:\n  base: \${env:MODEL}\ntrain:\n  learning_rate: \${env:LR:-1e-4}\n  max_steps: 1\ndescription: "cost $\${env:X}"\n`,
    });
    const { experiment } = await loadExperiment("exp.yaml", { cwd, env: { MODEL: "org/m" } });
    expect(experiment.model.base).toBe("org/m");
    expect(experiment.train.learning_rate).toBe(1e-4);
    expect(experiment.description).toBe("cost ${env:X}");
  });

  it("reports an unset variable without a default at its value", async () => {
    const lines = await problemsOf({ "exp.yaml": `${minimal}model:\n  base: "\${env:MODEL}"\n` });
    expect(lines[0]).toBe(
      "exp.yaml:7:9: model.base: environment variable MODEL is not set\n  hint: export MODEL=..., or give a default: ${env:MODEL:-value}",
    );
  });
});

describe("--set", () => {
  const files = { "exp.yaml": `${minimal}lora: {target_modules: [a, b, c]}\n` };

  it("overrides typed by the schema", async () => {
    const cwd = tempFiles(files);
    const { experiment } = await loadExperiment("exp.yaml", {
      cwd,
      env: {},
      sets: [
        "train.learning_rate=1e-4",
        "lora.target_modules=[q_proj,v_proj]",
        "data.train.0.path=/abs/x.jsonl",
        "name=123",
        "train.max_steps=7",
      ],
    });
    expect(experiment.train.learning_rate).toBe(1e-4);
    expect(experiment.lora.target_modules).toEqual(["q_proj", "v_proj"]);
    expect((experiment.data.train[0] as { path?: string } | undefined)?.path).toBe("/abs/x.jsonl");
    expect(experiment.name).toBe("123");
    expect(experiment.train.max_steps).toBe(7);
  });

  it("reports a wrong path as the flag, with did you mean", async () => {
    const lines = await problemsOf(files, { sets: ["train.lr=1"] });
    expect(lines[0]?.split("\n")[0]).toBe(
      "--set train.lr=1: train.lr: unknown config path; did you mean train.learning_rate?",
    );
  });

  it("finds a misplaced key elsewhere in the schema", async () => {
    const lines = await problemsOf(files, { sets: ["learning_rate=1"] });
    expect(lines[0]?.split("\n")[0]).toBe(
      "--set learning_rate=1: learning_rate: unknown config path; did you mean train.learning_rate?",
    );
  });

  it("reports a bad value as the flag", async () => {
    const lines = await problemsOf(files, { sets: ["train.learning_rate=fast"] });
    expect(lines).toEqual([
      '--set train.learning_rate=fast: train.learning_rate: wrong type: string "fast" (expected a number)',
    ]);
  });

  it("reports a value that is not YAML", async () => {
    const lines = await problemsOf(files, { sets: ["lora.target_modules=[a,"] });
    expect(lines[0]).toMatch(
      /^--set lora\.target_modules=\[a,: lora\.target_modules: value is not valid YAML/,
    );
  });

  it("reports a missing = and an index past the end", async () => {
    const lines = await problemsOf(files, { sets: ["train.seed", "data.train.5.path=x"] });
    expect(lines[0]).toBe(
      "--set train.seed: --set needs path=value (expected e.g. --set train.learning_rate=1e-4)",
    );
    expect(lines[1]).toBe(
      "--set data.train.5.path=x: data.train.5.path: list index 5 is past the end (the list has 1 item)",
    );
  });
});

describe("loadExperiment", () => {
  it("throws one UserError config.invalid with every problem", async () => {
    const cwd = tempFiles({ "exp.yaml": "name: t\ntrain: {lr: 1}\n" });
    const error = await loadExperiment("exp.yaml", { cwd, env: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).code).toBe("config.invalid");
    expect((error as UserError).problems.map((p) => p.path)).toEqual(["data", "train.lr"]);
    expect((error as UserError).problems[1]?.position).toEqual({
      file: "exp.yaml",
      line: 2,
      col: 9,
    });
  });
});

describe("--set into lists", () => {
  it("creates a list that is not there yet", async () => {
    const cwd = tempFiles({ "exp.yaml": `${minimal}train: {max_steps: 1}\n` });
    const { experiment } = await loadExperiment("exp.yaml", {
      cwd,
      env: {},
      sets: ["resources.hosts.0=gpu-a", "data.train.1={path: b.json, format: sharegpt}"],
    });
    expect(experiment.resources.hosts).toEqual(["gpu-a"]);
    expect(experiment.data.train[1]).toMatchObject({ path: path.join(cwd, "b.json") });
  });

  it("refuses an empty path segment", async () => {
    const lines = await problemsOf(
      { "exp.yaml": `${minimal}train: {max_steps: 1}\n` },
      { sets: ["train..seed=1"] },
    );
    expect(lines).toEqual([
      "--set train..seed=1: train..seed: empty segment in the path (expected a.b.c)",
    ]);
  });
});
