// Sweeps end to end on this machine: the built CLI, the embedded host `local` (process
// runtime, one CPU trial at a time), the real trainer on builtin:tiny, and Optuna's study
// read back from its journal through the bridge.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const repoRoot = path.resolve(import.meta.dirname, "../../..");
const bin = path.join(repoRoot, "bin", "tunectl.js");
const tinyCpu = path.join(repoRoot, "configs", "tiny-cpu.yaml");
const venv = spawnSync("sh", [path.join(repoRoot, "scripts/trainer/venv.sh")], {
  encoding: "utf8",
});
const python = venv.stdout.trim().split("\n").pop() ?? "";
const noPython = venv.status === 0 ? undefined : `the trainer's venv: ${venv.stderr.trim()}`;

interface Cli {
  code: number | null;
  stdout: string;
  stderr: string;
}

function tunectl(cwd: string, ...args: string[]): Promise<Cli> & { pid: () => number } {
  const child = spawn(process.execPath, [bin, ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? cwd, NO_COLOR: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill("SIGKILL"), 400_000);
  const done = new Promise<Cli>((resolve) =>
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    }),
  );
  return Object.assign(done, { pid: () => child.pid ?? 0 });
}

const workspaces: string[] = [];
afterAll(async () => {
  for (const ws of workspaces) {
    for (const run of runsOf(ws))
      for (const a of run.attempts) {
        const pid = Number(a.handle);
        if (pid > 0 && alive(pid)) process.kill(pid, "SIGKILL");
      }
    if (process.env.TUNECTL_KEEP_SWEEP_WS !== "1") await rm(ws, { recursive: true, force: true });
  }
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

interface RunJson {
  id: string;
  state: string;
  labels?: Record<string, string>;
  attempts: { n: number; state: string; handle?: string }[];
}

function runsOf(ws: string): RunJson[] {
  const dir = path.join(ws, ".tunectl", "runs");
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((id) => existsSync(path.join(dir, id, "run.json")))
    .map((id) => JSON.parse(readFileSync(path.join(dir, id, "run.json"), "utf8")) as RunJson);
}

function lastEvalLoss(ws: string, run: string): number | undefined {
  const text = readFileSync(path.join(ws, ".tunectl", "runs", run, "metrics.jsonl"), "utf8");
  let last: number | undefined;
  for (const line of text.split("\n").filter(Boolean)) {
    const value = (JSON.parse(line) as { eval_loss?: number }).eval_loss;
    if (typeof value === "number") last = value;
  }
  return last;
}

/** The study as Optuna holds it in the sweep's journal. */
function studyOf(ws: string, sweep: string, sampler: string) {
  const result = spawnSync(
    python,
    [
      path.join(repoRoot, "scripts/sweep/optuna_bridge.py"),
      ...["--journal", path.join(ws, ".tunectl", "sweeps", sweep, "optuna.journal")],
      ...["--study", sweep, "--sampler", sampler],
    ],
    { input: '{"op": "trials"}\n', encoding: "utf8" },
  );
  return (
    JSON.parse(result.stdout) as {
      trials: { trial: number; state: string; value: number | null }[];
    }
  ).trials;
}

async function workspace(spec: string): Promise<string> {
  const ws = await mkdtemp(path.join(os.tmpdir(), "tunectl-sweep-local-"));
  workspaces.push(ws);
  await writeFile(path.join(ws, "s.yaml"), `experiment: ${tinyCpu}\n${spec}`);
  return ws;
}

const json = (cli: Cli) => JSON.parse(cli.stdout) as Record<string, unknown>;

describe.skipIf(noPython)(
  `sweep run on host local${noPython ? ` (skipped: ${noPython})` : ""}`,
  () => {
    it("runs a tpe sweep to its budget, Optuna's study holding each trial's final eval_loss; run again it reruns nothing", async () => {
      const ws = await workspace(`name: tpe
method: tpe
parameters:
  train.learning_rate: {min: 1.0e-4, max: 1.0e-2, log: true}
  train.max_steps: {values: [4]}
  train.eval_steps: {values: [2]}
  train.save_steps: {values: [2]}
budget: {trials: 3}
`);
      const first = await tunectl(ws, "--json", "sweep", "run", "s.yaml");
      expect(first.code, first.stderr).toBe(0);
      const result = json(first) as {
        id: string;
        ended: Record<string, { run: string; state: string }>;
      };
      expect(Object.values(result.ended).map((e) => e.state)).toEqual(Array(3).fill("succeeded"));

      const record = JSON.parse(
        readFileSync(path.join(ws, ".tunectl", "sweeps", result.id, "sweep.json"), "utf8"),
      ) as { trials: { id: string; optuna_trial: number }[] };
      const study = studyOf(ws, result.id, "tpe");
      expect(study.map((t) => t.state)).toEqual(["complete", "complete", "complete"]);
      for (const t of study) {
        const trial = record.trials.find((e) => e.optuna_trial === t.trial)!;
        expect(t.value).toBe(lastEvalLoss(ws, result.ended[trial.id]!.run));
      }

      const again = await tunectl(ws, "--json", "sweep", "run", "s.yaml");
      expect(again.code, again.stderr).toBe(0);
      expect(json(again)).toMatchObject({ ended: {}, left: [] });
      expect((json(again) as { skipped: string[] }).skipped).toHaveLength(3);
      expect(runsOf(ws)).toHaveLength(3);
    });

    it("ASHA prunes the trial whose eval_loss is clearly worse at the first rung, stopped with its checkpoint", async () => {
      // sampler_seed 0 asks values[1] first, then values[0]: the sensible learning rate first,
      // then 1e-9 (nothing learnt), which at the rung (step 2, eta 2) is not the better half
      const ws = await workspace(`name: asha
method: random
sampler_seed: 0
parameters:
  train.learning_rate: {values: [1.0e-9, 1.0e-2]}
  train.max_steps: {values: [12]}
  train.eval_steps: {values: [2]}
  train.save_steps: {values: [100]}
  train.warmup_ratio: {values: [0]}
budget: {trials: 2}
early_stopping: {method: asha, metric: eval_loss, min_resource: 2, reduction_factor: 2}
`);
      const ran = await tunectl(ws, "--json", "sweep", "run", "s.yaml");
      expect(ran.code, ran.stderr).toBe(0);
      const id = (json(ran) as { id: string }).id;
      const board = json(await tunectl(ws, "--json", "sweep", "status", id)) as {
        trials: { state: string; params: Record<string, unknown>; run: string }[];
      };
      const pruned = board.trials.filter((t) => t.state === "pruned");
      expect(pruned.map((t) => t.params["train.learning_rate"])).toEqual([1e-9]);
      expect(board.trials.find((t) => t.state !== "pruned")?.state).toBe("succeeded");
      // stopped through the normal cancel: the trainer checkpointed before it exited
      const run = runsOf(ws).find((r) => r.id === pruned[0]!.run)!;
      expect(run.state).toBe("cancelled");
      const checkpoints = json(await tunectl(ws, "--json", "checkpoints", run.id)) as unknown;
      expect(JSON.stringify(checkpoints)).toMatch(/step/);
      expect(
        studyOf(ws, id, "random")
          .map((t) => t.state)
          .sort(),
      ).toEqual(["complete", "pruned"]);
    });

    it("sweep cancel stops the active trial (with a checkpoint) and the scheduler starts nothing new", async () => {
      const ws = await workspace(`name: long
parameters:
  train.learning_rate: {values: [1.0e-3, 2.0e-3]}
  train.max_steps: {values: [5000]}
  train.save_steps: {values: [5000]}
`);
      const scheduler = tunectl(ws, "sweep", "run", "s.yaml");
      // training: a step is in the run's metrics (a stop before the first step has nothing to save)
      const training = () =>
        runsOf(ws).some((r) => {
          const file = path.join(ws, ".tunectl", "runs", r.id, "metrics.jsonl");
          if (r.state !== "running" || !existsSync(file)) return false;
          return readFileSync(file, "utf8")
            .split("\n")
            .some(
              (line) =>
                line.trim() !== "" && (JSON.parse(line) as { kind?: string }).kind === "train",
            );
        });
      for (let i = 0; i < 600 && !training(); i++)
        await new Promise((resolve) => setTimeout(resolve, 500));
      expect(runsOf(ws).map((r) => r.state)).toEqual(["running"]);
      const second = await tunectl(ws, "sweep", "resume", "long");
      expect(second.code).toBe(2);
      expect(second.stderr).toMatch(/scheduled by another tunectl/);

      const cancel = await tunectl(ws, "sweep", "cancel", "long");
      expect(cancel.code, cancel.stderr).toBe(0);
      const ended = await scheduler;
      expect(ended.code, ended.stderr).toBe(0);
      const runs = runsOf(ws);
      expect(runs.map((r) => r.state)).toEqual(["cancelled"]);
      const checkpoints = json(await tunectl(ws, "--json", "checkpoints", runs[0]!.id));
      expect(JSON.stringify(checkpoints)).toMatch(/step/);
      // nothing active, no scheduler: attach shows the leaderboard once and ends
      const attach = await tunectl(ws, "sweep", "attach", "long");
      expect(attach.code, attach.stderr).toBe(0);
      expect(attach.stdout).toMatch(/1 cancelled, 1 planned/);
    });
  },
);
