import { writeFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fakeLaunchKit, type FakeLaunchKit } from "../launch/index.js";
import { loadSweepSpec } from "./load-sweep.js";
import { cancelSweep } from "./cancel-sweep.js";
import { runSweep } from "./run-sweep.js";
import { SweepRegistry } from "./sweep-registry.js";

// The sweep's queue through the real launch code (startRun, placement with the hosts' GPU
// leases, followRun) on the launch fakes: two hosts of two GPUs, the fake container runtime.
let kit: FakeLaunchKit;
beforeEach(async () => {
  kit = await fakeLaunchKit(2);
});
afterEach(async () => {
  await kit.cleanup();
});

const record = (i: number) =>
  JSON.stringify({ instruction: `Say ${i}.`, input: "", output: `${i}` });

async function sweepOf(budget = "") {
  await writeFile(
    path.join(kit.root, "d.jsonl"),
    `${Array.from({ length: 8 }, (_, i) => record(i)).join("\n")}\n`,
  );
  await writeFile(
    path.join(kit.root, "exp.yaml"),
    `name: sw
model: {base: "builtin:tiny"}
data: {train: [{path: d.jsonl, format: alpaca}], max_seq_len: 512}
train: {max_steps: 2}
resources: {gpus: 1, hosts: [h1, h2], image: img}
retry: {max_restarts: 0}
`,
  );
  await writeFile(
    path.join(kit.root, "s.yaml"),
    `experiment: exp.yaml
parameters:
  train.learning_rate: {values: [1.0e-4, 3.0e-4, 1.0e-3]}
seeds: [1, 2]
${budget}`,
  );
  return loadSweepSpec("s.yaml", { cwd: kit.root, env: {}, workspace: kit.deps.workspace });
}

/**
 * Every trainer exits 0 from its second poll on, once `together` trainers have started (so
 * the test sees the queue fill every slot); records how many ran at once.
 */
function trainersFinish(together = 1) {
  const polls = new Map<string, number>();
  let widest = 0;
  const probe = kit.runtime.probe.bind(kit.runtime);
  kit.runtime.probe = async (host, handle) => {
    const running = kit.runtime.started
      .map((spec) => kit.runtime.handleFor(spec.runId, spec.attempt))
      .filter((h) => kit.runtime.stateOf(h)?.state === "running").length;
    widest = Math.max(widest, running);
    const n = (polls.get(handle) ?? 0) + 1;
    polls.set(handle, n);
    if (n >= 2 && kit.runtime.started.length >= together) kit.runtime.exit(handle, 0);
    return probe(host, handle);
  };
  return { widest: () => widest };
}

describe("runSweep on the launch fakes", () => {
  it("runs every trial as a labelled run, at most one per free GPU, and a resume reruns nothing", async () => {
    const sweep = await sweepOf();
    const seen = trainersFinish(4);
    const result = await runSweep(sweep, kit.deps, { pollMs: 1000 });
    expect(result.slots).toBe(4);
    expect(result.ended.size).toBe(6);
    expect([...result.ended.values()].map((e) => e.state)).toEqual(Array(6).fill("succeeded"));
    // four GPUs: four trials at once, never a fifth (the queue holds it until one ends)
    expect(seen.widest()).toBe(4);
    const placed = kit.runtime.started.map((spec) => `${spec.runId}`);
    expect(placed).toHaveLength(6);

    const runs = await kit.registry.list();
    expect(runs).toHaveLength(6);
    expect(new Set(runs.map((r) => r.labels?.trial))).toEqual(
      new Set(sweep.trials.map((t) => t.id)),
    );
    expect(runs.every((r) => r.labels?.sweep === sweep.id)).toBe(true);
    // each run's recorded config is its trial's
    for (const run of runs) {
      const trial = sweep.trials.find((t) => t.id === run.labels?.trial)!;
      const yaml = await kit.registry.configYaml(run.id);
      expect(yaml).toContain(`learning_rate: ${String(trial.experiment.train.learning_rate)}`);
      expect(yaml).toContain(`seed: ${trial.experiment.train.seed}`);
    }
    expect(await kit.leases("h1")).toEqual({});
    expect(await kit.leases("h2")).toEqual({});

    const again = await runSweep(sweep, kit.deps, { pollMs: 1000 });
    expect(again.skipped).toHaveLength(6);
    expect(again.ended.size).toBe(0);
    expect(await kit.registry.list()).toHaveLength(6);
  });

  it("starts no more trials than budget.trials", async () => {
    const sweep = await sweepOf("budget: {trials: 2}\n");
    trainersFinish();
    const result = await runSweep(sweep, kit.deps, { pollMs: 1000 });
    expect(result.ended.size).toBe(2);
    expect(result.left).toHaveLength(4);
    expect(await kit.registry.list()).toHaveLength(2);
  });
});

describe("sweep cancel and resume on the launch fakes", () => {
  it("cancel stops every active trial and starts nothing new; resume resumes them as new attempts", async () => {
    const sweep = await sweepOf();
    const sweeps = new SweepRegistry(kit.deps.workspace.stateDir, kit.clock);
    // trainers that run until stopped (SIGTERM: checkpoint, exit 75)
    const scheduler = runSweep(sweep, kit.deps, { pollMs: 1000 });
    await until(
      async () => (await kit.registry.list()).filter((r) => r.state === "running").length === 4,
    );
    await expect(runSweep(sweep, kit.deps, { pollMs: 1000 })).rejects.toMatchObject({
      code: "sweep.scheduler_running",
    });
    const cancelled = await cancelSweep(await sweeps.get(sweep.id), kit.deps);
    expect(cancelled.cancelled.map((r) => r.state)).toEqual(Array(4).fill("cancelled"));
    const result = await scheduler;
    expect([...result.ended.values()].map((e) => e.state)).toEqual(Array(4).fill("cancelled"));
    expect(result.left).toHaveLength(2);
    expect((await sweeps.get(sweep.id)).state).toBe("cancelled");
    expect(await kit.registry.list()).toHaveLength(4);

    await expect(runSweep(sweep, kit.deps, { pollMs: 1000 })).rejects.toMatchObject({
      code: "sweep.cancelled",
    });
    trainersFinish();
    const resumed = await runSweep(sweep, kit.deps, { pollMs: 1000, reopen: true });
    expect([...resumed.ended.values()].map((e) => e.state)).toEqual(Array(6).fill("succeeded"));
    const runs = await kit.registry.list();
    // the four cancelled trials went on as attempt 2 of the same runs; two new runs
    expect(runs).toHaveLength(6);
    expect(runs.filter((r) => r.attempts.length === 2)).toHaveLength(4);
    expect((await sweeps.get(sweep.id)).state).toBeUndefined();
  });
});

async function until(check: () => Promise<boolean>) {
  for (let i = 0; i < 400 && !(await check()); i++) {
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
