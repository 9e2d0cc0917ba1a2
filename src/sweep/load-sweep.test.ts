import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { formatProblem, isTunectlError, type TunectlError } from "../errors/index.js";
import { loadSweepSpec } from "./load-sweep.js";

const experiment = `name: t
data:
  train: [{path: d.jsonl, format: alpaca}]
train: {max_steps: 1}
`;

function tempFiles(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), "tunectl-sweep-"));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

function workspace(spec: string) {
  return tempFiles({ "exp/base.yaml": experiment, "sweeps/s.yaml": spec });
}

async function load(spec: string, cwd = workspace(spec)) {
  writeFileSync(path.join(cwd, "sweeps/s.yaml"), spec);
  return loadSweepSpec("sweeps/s.yaml", { cwd, env: {} });
}

async function failure(spec: string): Promise<TunectlError> {
  const error = await load(spec).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isTunectlError(error)) throw new Error(`expected a TunectlError, got ${String(error)}`);
  return error;
}

const lines = (error: TunectlError) => error.problems.map(formatProblem);

describe("sweep spec: grid, paired groups and seeds", () => {
  it("crosses parameters, paired groups and seeds, first axis outermost", async () => {
    const sweep = await load(`experiment: ../exp/base.yaml
parameters:
  train.learning_rate: {values: [1.0e-4, 3.0e-4]}
paired:
  - {lora.r: 8, lora.alpha: 16}
  - {lora.r: 16, lora.alpha: 32}
seeds: [1, 2, 3]
`);
    expect(sweep.trials).toHaveLength(12);
    expect(sweep.trials[0]!.params).toEqual({
      "train.learning_rate": 1e-4,
      "lora.r": 8,
      "lora.alpha": 16,
      "train.seed": 1,
    });
    expect(sweep.trials[11]!.params).toEqual({
      "train.learning_rate": 3e-4,
      "lora.r": 16,
      "lora.alpha": 32,
      "train.seed": 3,
    });
    // each trial's config is the experiment with its settings applied, typed by the schema
    for (const trial of sweep.trials) {
      expect(trial.experiment.train.learning_rate).toBe(trial.params["train.learning_rate"]);
      expect(trial.experiment.lora.r).toBe(trial.params["lora.r"]);
      expect(trial.experiment.train.seed).toBe(trial.params["train.seed"]);
      expect(trial.experiment.train.max_steps).toBe(1);
    }
    expect(new Set(sweep.trials.map((t) => t.id)).size).toBe(12);
    expect(sweep.id).toMatch(/^s-[0-9a-f]{8}$/);
    expect(sweep.experimentFile).toBe(path.join(path.dirname(sweep.specFile), "../exp/base.yaml"));
  });

  it("gives a trial the same id however the spec orders or spells it", async () => {
    const cwd = workspace("");
    const a = await load(
      `experiment: ../exp/base.yaml\nparameters:\n  train.learning_rate: {values: [1.0e-4, 2.0e-4]}\n  lora.r: {values: [4]}\n`,
      cwd,
    );
    const b = await load(
      `experiment: ../exp/base.yaml\nparameters:\n  lora.r: {values: [4]}\n  train.learning_rate: {values: [0.0002, 0.0001]}\n`,
      cwd,
    );
    expect(a.trials.map((t) => t.id).sort()).toEqual(b.trials.map((t) => t.id).sort());
    expect(a.trials[0]!.id).toBe(b.trials[1]!.id);
    expect(a.trials[0]!.id).toMatch(/^[0-9a-f]{12}$/);
    // the search differs in order, so the sweeps are told apart
    expect(a.id).not.toBe(b.id);
    const again = await load(
      `experiment: ../exp/base.yaml\nparameters:\n  train.learning_rate: {values: [1.0e-4, 2.0e-4]}\n  lora.r: {values: [4]}\nbudget: {trials: 1}\n`,
      cwd,
    );
    expect(again.id).toBe(a.id); // a new budget resumes the same sweep
  });

  it("runs the experiment as it is when nothing varies", async () => {
    const sweep = await load("experiment: ../exp/base.yaml\n");
    expect(sweep.trials).toHaveLength(1);
    expect(sweep.trials[0]!.params).toEqual({});
  });

  it("checks random and tpe values and both ends of each range without planning trials", async () => {
    const sweep = await load(`experiment: ../exp/base.yaml
method: tpe
parameters:
  train.learning_rate: {min: 1.0e-5, max: 1.0e-3, log: true}
  lora.r: {min: 4, max: 64, int: true}
  data.template: {values: [alpaca, chatml]}
budget: {trials: 20}
`);
    expect(sweep.trials).toEqual([]);
    expect(sweep.spec.parameters["lora.r"]).toMatchObject({ int: true, log: false });
    expect(sweep.spec.metric).toEqual({ name: "eval_loss", goal: "minimize" });
  });
});

describe("sweep spec: bad specs fail before anything runs, at file:line:col", () => {
  it("names an unknown config path with a suggestion, at the spec's line", async () => {
    const error = await failure(
      "experiment: ../exp/base.yaml\nparameters:\n  train.learnig_rate: {values: [1.0e-4]}\n",
    );
    expect(error.kind).toBe("user");
    expect(error.code).toBe("sweep.invalid_spec");
    expect(lines(error)).toEqual([
      expect.stringMatching(
        /^sweeps\/s\.yaml:3:\d+: train\.learnig_rate: unknown config path; did you mean train\.learning_rate\?/,
      ),
    ]);
  });

  it("names a value of the wrong type, at the value in the spec", async () => {
    const error = await failure(
      "experiment: ../exp/base.yaml\nparameters:\n  lora.r: {values: [8, fast]}\n",
    );
    expect(lines(error)).toEqual([
      'sweeps/s.yaml:3:24: lora.r: wrong type: string "fast" (value "fast") (expected a number)',
    ]);
  });

  it("names a bad paired value at its group", async () => {
    const error = await failure(
      "experiment: ../exp/base.yaml\npaired:\n  - {lora.r: 8}\n  - {lora.r: -1}\n",
    );
    expect(lines(error)).toHaveLength(1);
    expect(lines(error)[0]).toMatch(/^sweeps\/s\.yaml:4:14: lora\.r: .*too small/);
  });

  it("reports schema problems of the spec itself with positions", async () => {
    const error = await failure(
      "experiment: ../exp/base.yaml\nmethod: bayes\nparameters:\n  train.learning_rate: {value: [1]}\nbudjet: {trials: 2}\n",
    );
    const shown = lines(error);
    expect(shown).toContainEqual(
      expect.stringMatching(/^sweeps\/s\.yaml:2:9: method: string "bayes" is not allowed/),
    );
    expect(shown).toContainEqual(
      expect.stringMatching(
        /^sweeps\/s\.yaml:4:25: parameters\.train\.learning_rate\.value: unknown key; did you mean values\?/,
      ),
    );
    expect(shown).toContainEqual(
      expect.stringMatching(/^sweeps\/s\.yaml:5:1: budjet: unknown key; did you mean budget\?/),
    );
  });

  it("refuses ranges in a grid, sampling without a budget and a path varied twice", async () => {
    const grid = await failure(
      "experiment: ../exp/base.yaml\nparameters:\n  lora.r: {min: 4, max: 8}\n",
    );
    expect(lines(grid)[0]).toMatch(
      /^sweeps\/s\.yaml:3:11: parameters\.lora\.r: a grid needs values/,
    );
    const endless = await failure(
      "experiment: ../exp/base.yaml\nmethod: random\nparameters:\n  lora.r: {min: 4, max: 8, int: true}\n",
    );
    expect(lines(endless)[0]).toMatch(
      /^sweeps\/s\.yaml:2:9: budget: method random samples without end/,
    );
    const twice = await failure(
      "experiment: ../exp/base.yaml\nparameters:\n  train.seed: {values: [1]}\nseeds: [1, 2]\n",
    );
    expect(lines(twice)[0]).toMatch(/^sweeps\/s\.yaml:4:8: seeds: seeds sets train\.seed/);
    const range = await failure(
      "experiment: ../exp/base.yaml\nmethod: tpe\nparameters:\n  lora.r: {min: 8, max: 4}\nbudget: {trials: 3}\n",
    );
    expect(lines(range)[0]).toMatch(
      /^sweeps\/s\.yaml:4:\d+: parameters\.lora\.r\.max: max must be greater than min/,
    );
  });

  it("refuses two values that resolve to the same config", async () => {
    const error = await failure(
      "experiment: ../exp/base.yaml\nparameters:\n  train.learning_rate: {values: [1.0e-4, 0.0001]}\n",
    );
    expect(lines(error)[0]).toMatch(
      /^sweeps\/s\.yaml:3:\d+: train\.learning_rate: gives the same config as train\.learning_rate=0\.0001/,
    );
  });

  it("points at experiment: when the experiment is missing or invalid", async () => {
    const error = await failure("experiment: ../exp/nope.yaml\n");
    expect(lines(error)[0]).toMatch(
      /^sweeps\/s\.yaml:1:13: experiment: exp\/nope\.yaml is not a valid experiment/,
    );
  });

  it("says when the spec file itself is missing", async () => {
    const cwd = tempFiles({});
    const error = await loadSweepSpec("gone.yaml", { cwd, env: {} }).catch((e: unknown) => e);
    expect(isTunectlError(error) && error.code).toBe("sweep.spec_unreadable");
  });
});
