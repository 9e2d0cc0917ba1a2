// tunectl on the testbed's real Slurm cluster: a job that reaches its time limit (cut to two
// minutes while it trains) gets the warning signal, the trainer checkpoints, the batch script
// requeues the job, and it runs again as the next attempt of the same run, from that checkpoint,
// until the run is done. Its per-step losses equal those of the same experiment run without a limit,
// alongside it (the trainer is deterministic from the seed; a resume continues its data order).
// A node that dies mid-run (its slurmd and job processes killed) makes Slurm requeue the job
// on the other node: the attempt ends lost and the next one finishes the run.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ensureSlurm, type TestbedSlurm } from "../setup/testbed.js";
import { lossByStep } from "./train-losses.js";
import {
  detachedId,
  launchWorkspace,
  tinyConfig,
  type CliResult,
  type LaunchWorkspace,
  type RunJson,
} from "../launch/launch-workspace.js";

let slurm: TestbedSlurm;
let ws: LaunchWorkspace;
// Long enough (about a minute of training) that a first attempt never finishes before the warning.
const steps = 120;
const cpu = (host: string) => [
  "--host",
  host,
  "--set",
  "resources.gpus=0",
  "--set",
  `train.max_steps=${steps}`,
  "--set",
  "train.eval_steps=60",
];

const text = (file: string) => readFile(file, "utf8").catch(() => "");

/** The pid of the trainer of the run in `runDir` (its command line names the run's train.json). */
function trainerPid(runDir: string): number {
  const found = execFileSync("pgrep", ["-f", "--", `-m trainer --config ${runDir}/`], {
    encoding: "utf8",
  });
  return Number(found.trim().split("\n")[0]);
}

/** Whether a SIGTERM is pending on the process (it is stopped, so it has not taken it yet). */
function termPending(pid: number): boolean {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const pending = [...status.matchAll(/^(?:ShdPnd|SigPnd):\s*([0-9a-f]+)$/gm)];
  return pending.some((match) => (BigInt(`0x${match[1]}`) & (1n << 14n)) !== 0n);
}

/** Poll (every half second, for at most four minutes) until `done`. */
async function until(done: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 480 && !(await done()); i++) {
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** `tunectl run --detach` of the tiny experiment on the host `slurm`; its run id. */
async function startDetached(name: string): Promise<string> {
  const args = ["run", tinyConfig, ...cpu("slurm"), "--name", name, "--detach", "--json"];
  const started = await ws.tunectl(args);
  expect(started.code, started.stderr).toBe(0);
  return detachedId(started);
}

beforeAll(async () => {
  slurm = await ensureSlurm();
  ws = await launchWorkspace(undefined, { slurm: true });
}, 900_000);

describe("a run whose job reaches its time limit", () => {
  let limited: CliResult;
  let reference: CliResult;
  let run: RunJson;
  let uninterrupted: RunJson;

  beforeAll(async () => {
    const referenceId = await startDetached("uninterrupted");
    const id = await startDetached("limited");
    const jobId = (await ws.run(id)).attempts[0]!.handle!;
    const onLogin = (command: string) => ws.testbed.ssh(slurm.loginHost, command);
    const runDir = path.join(slurm.sharedDir, "runs", id);
    // Once it trains, its time limit is cut to 2 minutes: the warning (USR1@90, which Slurm
    // sends within 30 s of when it falls due) comes at once. Its requeued run gets a long
    // limit again, so it finishes.
    await until(async () =>
      /step 10\//.test(await text(path.join(runDir, "output/logs/attempt-1.log"))),
    );
    // The trainer is frozen until the warning has reached it: on an idle machine it would
    // otherwise finish every step before Slurm's periodic time-limit check sends the signal.
    const trainer = trainerPid(runDir);
    process.kill(trainer, "SIGSTOP");
    try {
      expect((await onLogin(`scontrol update JobId=${jobId} TimeLimit=2`)).code).toBe(0);
      // the batch shell's trap turns the warning into a SIGTERM, pending on the frozen trainer
      await until(async () => termPending(trainer));
      expect(termPending(trainer)).toBe(true);
    } finally {
      process.kill(trainer, "SIGCONT");
    }
    await until(async () => existsSync(path.join(runDir, "attempt-1.requeue")));
    expect((await onLogin(`scontrol update JobId=${jobId} TimeLimit=20`)).code).toBe(0);
    limited = await ws.tunectl(["attach", id], { timeoutMs: 400_000 });
    reference = await ws.tunectl(["attach", referenceId], { timeoutMs: 300_000 });
    run = await ws.run(id);
    uninterrupted = await ws.run(referenceId);
  }, 1_200_000);

  it("is requeued as the next attempt of the same run, under the same job, from the checkpoint of the warning", async () => {
    expect(limited.code, limited.stderr).toBe(0);
    expect(run.state).toBe("succeeded");
    expect(run.attempts).toHaveLength(2);
    const jobId = run.attempts[0]!.handle!;
    const [last, ...requeued] = [...run.attempts].reverse();
    expect(last).toMatchObject({ state: "succeeded", exit_code: 0, handle: jobId });
    for (const attempt of requeued) {
      expect(attempt).toMatchObject({ state: "failed", exit_code: 75, handle: jobId });
      expect(attempt.error?.code).toBe("slurm.requeued");
      expect(attempt.error?.message).toContain("time-limit warning");
    }
    for (const [i, attempt] of run.attempts.entries()) {
      if (i === 0) continue;
      const before = run.attempts[i - 1]!;
      expect(attempt.reason).toBe("requeue");
      expect(attempt.resume_from?.step).toBe(before.final_step);
      const log = await readFile(
        path.join(ws.dir, ".tunectl/runs", run.id, `logs/attempt-${attempt.n}.log`),
        "utf8",
      );
      expect(log).toContain(`attempt ${attempt.n} (restart ${i})`);
      expect(log).toContain(
        `resumed from ${attempt.resume_from!.path} at step ${before.final_step}`,
      );
    }
    const job = await ws.testbed.ssh(slurm.loginHost, `scontrol show job -o ${jobId}`, {
      timeoutMs: 30_000,
    });
    expect(job.stdout).toContain(`Restarts=${run.attempts.length - 1} `);
    expect(job.stdout).toMatch(/JobState=COMPLETED /);
  });

  it("trains every step once, with the losses of the run without a limit", async () => {
    expect(reference.code, reference.stderr).toBe(0);
    expect(uninterrupted.state).toBe("succeeded");
    expect(uninterrupted.attempts).toHaveLength(1);
    const expected = await lossByStep(ws.dir, uninterrupted.id);
    const got = await lossByStep(ws.dir, run.id);
    expect([...expected.keys()]).toEqual(Array.from({ length: steps }, (_, i) => i + 1));
    expect([...got.entries()].sort(([a], [b]) => a - b)).toEqual([...expected.entries()]);
  });
});

describe("a run whose node dies mid-run", () => {
  let id: string;
  let attach: CliResult;
  let run: RunJson;
  let failedNode: string;

  beforeAll(async () => {
    id = await startDetached("node-dies");
    // once the first checkpoint is written, the node the job runs on dies
    const manifest = path.join(
      slurm.sharedDir,
      "runs",
      id,
      "output/checkpoints/step-20/manifest.json",
    );
    await until(async () => existsSync(manifest));
    const jobId = (await ws.run(id)).attempts[0]!.handle!;
    const job = await ws.testbed.ssh(slurm.loginHost, `scontrol show job -o ${jobId}`);
    failedNode = /\bNodeList=(h\d)\b/.exec(job.stdout)![1]!;
    await ws.testbed.failSlurmNode(failedNode);
    try {
      attach = await ws.tunectl(["attach", id], { timeoutMs: 500_000 });
    } finally {
      await ws.testbed.startSlurmd(failedNode);
    }
    run = await ws.run(id);
  }, 900_000);

  it("ends the attempt lost, and the job Slurm requeued finishes on the other node as the next attempt", async () => {
    expect(attach.code, attach.stderr).toBe(0);
    expect(run.state).toBe("succeeded");
    const [first, second] = run.attempts;
    expect(run.attempts).toHaveLength(2);
    expect(first).toMatchObject({ state: "lost", lost_cause: "gone" });
    expect(first!.error?.code).toBe("slurm.requeued");
    expect(second).toMatchObject({ state: "succeeded", reason: "requeue", handle: first!.handle });
    expect(second!.resume_from?.step).toBeGreaterThanOrEqual(20);
    const job = await ws.testbed.ssh(slurm.loginHost, `scontrol show job -o ${first!.handle}`);
    expect(job.stdout).toMatch(/JobState=COMPLETED /);
    expect(job.stdout).toMatch(/\bNodeList=h\d\b/);
    expect(job.stdout).not.toContain(`NodeList=${failedNode} `);
  });

  it("trains to the end with the losses of the run without a fault", async () => {
    const reference = (await ws.runs()).find((r) => r.id.startsWith("uninterrupted-"))!;
    const expected = await lossByStep(ws.dir, reference.id);
    const got = await lossByStep(ws.dir, id);
    expect([...got.entries()].sort(([a], [b]) => a - b)).toEqual([...expected.entries()]);
  });
});
