import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { isTunectlError } from "../errors/index.js";
import { askTrial } from "./ask-trials.js";
import { loadSweepSpec } from "./load-sweep.js";
import { startOptunaBridge, type OptunaBridge } from "./optuna-bridge.js";

// The trainer's venv (scripts/trainer/requirements.lock) is where Optuna lives.
const python =
  process.env.TUNECTL_TRAINER_PYTHON ??
  execFileSync("sh", ["scripts/trainer/venv.sh"], { encoding: "utf8" }).trim().split("\n").pop()!;
const probe = spawnSync(python, ["-c", "import optuna"], { encoding: "utf8" });
const noOptuna = probe.status === 0 ? undefined : `no optuna in ${python}: ${probe.stderr.trim()}`;

const open: OptunaBridge[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((bridge) => bridge.close()));
});

function workspace(spec: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), "tunectl-sweep-tpe-"));
  const files = {
    "exp.yaml":
      "name: t\ndata:\n  train: [{path: d.jsonl, format: alpaca}]\ntrain: {max_steps: 1}\n",
    "s.yaml": spec,
  };
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

const spec = `experiment: exp.yaml
method: tpe
sampler_seed: 3
parameters:
  train.learning_rate: {min: 1.0e-5, max: 1.0e-2, log: true}
  lora.r: {min: 4, max: 64, int: true}
  lora.target_modules: {values: [[q_proj, v_proj], [q_proj, k_proj, v_proj, o_proj]]}
paired: [{lora.alpha: 16, lora.dropout: 0.0}, {lora.alpha: 32, lora.dropout: 0.1}]
seeds: [1, 2]
budget: {trials: 4}
`;

describe.skipIf(noOptuna)(`Optuna bridge${noOptuna ? ` (skipped: ${noOptuna})` : ""}`, () => {
  async function asked(cwd: string, journal: string, n: number) {
    const sweep = await loadSweepSpec("s.yaml", { cwd, env: {} });
    const bridge = startOptunaBridge({
      python,
      journal,
      study: sweep.id,
      sampler: "tpe",
      seed: sweep.spec.sampler_seed,
      direction: "minimize",
    });
    open.push(bridge);
    const configs = [];
    for (let i = 0; i < n; i++) {
      const config = await askTrial(sweep, bridge, { cwd, env: {} });
      await bridge.tell(config.optunaTrial, { value: config.trials[0]!.experiment.lora.r / 64 });
      configs.push(config);
    }
    return { configs, bridge };
  }

  it("turns each asked configuration into one trial per seed, typed by the experiment schema", async () => {
    const cwd = workspace(spec);
    const { configs } = await asked(cwd, path.join(cwd, "optuna.journal"), 3);
    expect(configs.map((c) => c.optunaTrial)).toEqual([0, 1, 2]);
    for (const config of configs) {
      expect(config.trials.map((t) => t.experiment.train.seed)).toEqual([1, 2]);
      const [one, two] = config.trials.map((t) => t.experiment);
      expect(one!.lora).toEqual(two!.lora);
      expect(Number.isInteger(one!.lora.r)).toBe(true);
      expect(one!.lora.r).toBeGreaterThanOrEqual(4);
      expect(one!.train.learning_rate).toBeLessThanOrEqual(1e-2);
      expect([16, 32]).toContain(one!.lora.alpha);
      expect(one!.lora.dropout).toBe(one!.lora.alpha === 16 ? 0 : 0.1);
      expect([2, 4]).toContain(one!.lora.target_modules.length);
      expect(new Set(config.trials.map((t) => t.id)).size).toBe(2);
    }
  });

  it("asks the same configurations for the same sampler seed, in another journal", async () => {
    const cwd = workspace(spec);
    const a = await asked(cwd, path.join(cwd, "a.journal"), 3);
    const b = await asked(cwd, path.join(cwd, "b.journal"), 3);
    expect(b.configs.map((c) => c.trials.map((t) => t.id))).toEqual(
      a.configs.map((c) => c.trials.map((t) => t.id)),
    );
  });

  it("keeps the study across a restart of the bridge (the journal file)", async () => {
    const cwd = workspace(spec);
    const journal = path.join(cwd, "optuna.journal");
    const first = await asked(cwd, journal, 2);
    await first.bridge.close();
    const second = await asked(cwd, journal, 1);
    expect(second.configs[0]!.optunaTrial).toBe(2);
    const trials = await second.bridge.trials();
    expect(trials.map((t) => t.state)).toEqual(["complete", "complete", "complete"]);
    expect(trials[0]!.value).toBe(first.configs[0]!.trials[0]!.experiment.lora.r / 64);
  });

  it("names a request the bridge refuses (exit 3, sweep.bridge_failed)", async () => {
    const cwd = workspace(spec);
    const bridge = startOptunaBridge({
      python,
      journal: path.join(cwd, "x.journal"),
      study: "x",
      sampler: "random",
      seed: 0,
      direction: "minimize",
    });
    open.push(bridge);
    const error = await bridge.tell(41, { value: 1 }).catch((e: unknown) => e);
    expect(isTunectlError(error) && error.kind).toBe("infra");
    expect(isTunectlError(error) && error.code).toBe("sweep.bridge_failed");
    expect((await bridge.ask({ x: { type: "int", low: 1, high: 3, log: false } })).trial).toBe(0);
  });
});
