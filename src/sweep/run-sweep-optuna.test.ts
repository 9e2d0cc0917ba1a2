import { execFileSync, spawnSync } from "node:child_process";
import { appendFile, mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { parse } from "yaml";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fakeLaunchKit, hostLayout, type FakeLaunchKit } from "../launch/index.js";
import { loadSweepSpec } from "./load-sweep.js";
import { startOptunaBridge } from "./optuna-bridge.js";
import { runSweep } from "./run-sweep.js";
import { SweepRegistry } from "./sweep-registry.js";

// Random and tpe sweeps through the real launch code on the launch fakes, with the real
// Optuna bridge (the trainer's venv holds Optuna). The fake trainer writes an eval line whose
// eval_loss is 1000 x its learning rate, so results and pruning follow from the configs. Each
// pass starts the Python bridge, which on a loaded machine takes seconds: a longer timeout.
const python =
  process.env.TUNECTL_TRAINER_PYTHON ??
  execFileSync("sh", ["scripts/trainer/venv.sh"], { encoding: "utf8" }).trim().split("\n").pop()!;
const probe = spawnSync(python, ["-c", "import optuna"], { encoding: "utf8" });
const noOptuna = probe.status === 0 ? undefined : `no optuna in ${python}: ${probe.stderr.trim()}`;

let kit: FakeLaunchKit;
beforeEach(async () => {
  kit = await fakeLaunchKit(1);
});
afterEach(async () => {
  await kit.cleanup();
});

async function sweepOf(extra: string) {
  const record = (i: number) =>
    JSON.stringify({ instruction: `Say ${i}.`, input: "", output: `${i}` });
  await writeFile(
    path.join(kit.root, "d.jsonl"),
    `${Array.from({ length: 8 }, (_, i) => record(i)).join("\n")}\n`,
  );
  await writeFile(
    path.join(kit.root, "exp.yaml"),
    `name: sw
model: {base: "builtin:tiny"}
data: {train: [{path: d.jsonl, format: alpaca}], max_seq_len: 512}
train: {max_steps: 4}
resources: {gpus: 1, hosts: [h1], image: img}
retry: {max_restarts: 0}
`,
  );
  await writeFile(
    path.join(kit.root, "s.yaml"),
    `experiment: exp.yaml
method: random
parameters:
  train.learning_rate: {min: 1.0e-4, max: 1.0e-3}
budget: {trials: 3}
${extra}`,
  );
  return loadSweepSpec("s.yaml", { cwd: kit.root, env: {}, workspace: kit.deps.workspace });
}

/**
 * The fake trainer: on its first poll an eval line at step 1 (eval_loss = 1000 x lr), on its
 * `exitAt`th a last eval at step 4 and exit 0; a stop (cancel) ends it earlier with exit 75.
 */
function trainers(exitAt = 30) {
  const polls = new Map<string, number>();
  const losses = new Map<string, number>();
  const inner = kit.runtime.probe.bind(kit.runtime);
  kit.runtime.probe = async (host, handle) => {
    const spec = kit.runtime.started.find(
      (s) => kit.runtime.handleFor(s.runId, s.attempt) === handle,
    )!;
    // The manual clock makes polls instant; a real trainer's steps take far longer than the
    // bridge's answer, so the fake paces itself in real time.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const n = (polls.get(handle) ?? 0) + 1;
    polls.set(handle, n);
    const lr = (
      parse(await kit.registry.configYaml(spec.runId)) as { train: { learning_rate: number } }
    ).train.learning_rate;
    losses.set(spec.runId, lr * 1000);
    const metrics = hostLayout(path.join(kit.root, "hosts", host.name), spec.runId).metrics;
    const line = (step: number) =>
      `${JSON.stringify({ ts: 1, step, attempt: spec.attempt, kind: "eval", eval_loss: lr * 1000 })}\n`;
    if (kit.runtime.stateOf(handle)?.state === "running") {
      await mkdir(path.dirname(metrics), { recursive: true });
      if (n === 1) await appendFile(metrics, line(1));
      if (n === exitAt) {
        await appendFile(metrics, line(4));
        kit.runtime.exit(handle, 0);
      }
    }
    return inner(host, handle);
  };
  return { losses };
}

const bridgeOf = (sweepId: string) =>
  startOptunaBridge({
    python,
    journal: new SweepRegistry(kit.deps.workspace.stateDir).journal(sweepId),
    study: sweepId,
    sampler: "random",
    seed: 0,
    direction: "minimize",
  });

describe.skipIf(noOptuna)(
  `runSweep, random and tpe${noOptuna ? ` (skipped: ${noOptuna})` : ""}`,
  () => {
    it("asks trials of Optuna up to budget.trials, tells each its final metric, and a resume reruns nothing", async () => {
      const sweep = await sweepOf("");
      const { losses } = trainers();
      const result = await runSweep(sweep, kit.deps, { pollMs: 1000, python });
      expect([...result.ended.values()].map((e) => e.state)).toEqual(Array(3).fill("succeeded"));
      const runs = await kit.registry.list();
      expect(runs).toHaveLength(3);
      expect(runs.every((r) => r.labels?.sweep === sweep.id)).toBe(true);

      const bridge = bridgeOf(sweep.id);
      const study = await bridge.trials();
      await bridge.close();
      expect(study.map((t) => t.state)).toEqual(["complete", "complete", "complete"]);
      const record = await new SweepRegistry(kit.deps.workspace.stateDir).get(sweep.id);
      for (const t of study) {
        const entry = record.trials.find((e) => e.optuna_trial === t.trial)!;
        const run = runs.find((r) => r.labels?.trial === entry.id)!;
        expect(t.value).toBeCloseTo(losses.get(run.id)!, 9);
      }

      const again = await runSweep(sweep, kit.deps, { pollMs: 1000, python });
      expect(again.skipped).toHaveLength(3);
      expect(again.ended.size).toBe(0);
      expect(await kit.registry.list()).toHaveLength(3);
    }, 90_000);

    it("early stopping: a trial the pruner stops is cancelled with its checkpoint path and told pruned", async () => {
      const sweep = await sweepOf(
        "early_stopping: {method: asha, min_resource: 1, reduction_factor: 2}\n",
      );
      const { losses } = trainers();
      const result = await runSweep(sweep, kit.deps, { pollMs: 1000, python });
      expect(result.ended.size).toBe(3);
      const record = await new SweepRegistry(kit.deps.workspace.stateDir).get(sweep.id);
      const runs = await kit.registry.list();
      const bridge = bridgeOf(sweep.id);
      const study = await bridge.trials();
      await bridge.close();
      // one slot: trials run one after another; at the first rung (step 1, eta 2) a trial goes on
      // only if it is the best that reached the rung so far
      let best = Infinity;
      let pruned = 0;
      for (const entry of record.trials) {
        const run = runs.find((r) => r.labels?.trial === entry.id)!;
        const loss = losses.get(run.id)!;
        const state = study.find((t) => t.trial === entry.optuna_trial)!.state;
        if (loss > best) {
          pruned++;
          expect(entry.outcome).toBe("pruned");
          expect(run.state).toBe("cancelled");
          expect(state).toBe("pruned");
          // stopped through the normal cancel: SIGTERM (the trainer checkpoints), not a kill
          expect(kit.runtime.ops(kit.runtime.handleFor(run.id, 1))).toContain("stop");
          expect(kit.runtime.ops(kit.runtime.handleFor(run.id, 1))).not.toContain("kill");
        } else {
          expect(entry.outcome).toBeUndefined();
          expect(run.state).toBe("succeeded");
          expect(state).toBe("complete");
        }
        best = Math.min(best, loss);
      }
      // sampler_seed 0 asks a worse learning rate second
      expect(pruned).toBeGreaterThan(0);
    }, 90_000);
  },
);
