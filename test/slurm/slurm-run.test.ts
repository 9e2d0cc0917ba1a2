// tunectl on the testbed's real Slurm cluster (slurmctld on h1, slurmds on h2 and h3, brought
// up on demand): a run submitted through the login host to success with metrics and checkpoints
// streamed back from the shared directory; the dry run's script accepted by `sbatch --test-only`;
// a cancel through scancel's SIGTERM path; bad Slurm settings refused with exit 2.
import { existsSync } from "node:fs";
import { readFile, readdir } from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ensureSlurm, type TestbedSlurm } from "../setup/testbed.js";
import {
  detachedId,
  launchWorkspace,
  shortRun,
  tinyConfig,
  type CliResult,
  type LaunchWorkspace,
  type RunJson,
} from "../launch/launch-workspace.js";

let slurm: TestbedSlurm;
let ws: LaunchWorkspace;
const cpu = ["--host", "slurm", "--set", "resources.gpus=0"];

/** A command on the login host as the cluster's user runs it. */
const onLogin = (command: string) =>
  ws.testbed.ssh(slurm.loginHost, command, { timeoutMs: 30_000 });

beforeAll(async () => {
  slurm = await ensureSlurm();
  ws = await launchWorkspace(undefined, { slurm: true });
}, 900_000);

describe("a run on the Slurm host", () => {
  let result: CliResult;
  let run: RunJson;

  beforeAll(async () => {
    result = await ws.tunectl(["run", tinyConfig, ...cpu, ...shortRun], { timeoutMs: 280_000 });
    run = (await ws.runs())[0]!;
  }, 300_000);

  it("succeeds as a Slurm job whose id is the attempt's handle", async () => {
    expect(result.code, result.stderr).toBe(0);
    expect(run.state).toBe("succeeded");
    expect(run.attempts[0]).toMatchObject({ host: "slurm", runtime: "slurm", exit_code: 0 });
    const jobId = run.attempts[0]!.handle!;
    expect(jobId).toMatch(/^\d+$/);
    const job = await onLogin(`scontrol show job -o ${jobId}`);
    expect(job.stdout).toContain(`JobName=tunectl-${run.id}-a1`);
    expect(job.stdout).toMatch(/JobState=COMPLETED .*ExitCode=0:0/);
    expect(job.stdout).toMatch(/NodeList=h[23]\b/);
    const show = await ws.tunectl(["show", run.id]);
    expect(show.stdout).toContain(`slurm job ${jobId}`);
  });

  it("ran in the shared directory, and streamed metrics and checkpoints back", async () => {
    expect(run.attempts[0]!.host_dir).toBe(path.join(slurm.sharedDir, "runs", run.id));
    const local = path.join(ws.dir, ".tunectl/runs", run.id);
    const host = await readFile(path.join(run.attempts[0]!.host_dir!, "output/metrics.jsonl"));
    expect((await readFile(path.join(local, "metrics.jsonl"))).equals(host)).toBe(true);
    const steps = host
      .toString("utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { kind: string; step: number })
      .filter((line) => line.kind === "train")
      .map((line) => line.step);
    expect(steps).toEqual([1, 2, 3, 4, 5, 6]);
    expect((await readdir(path.join(local, "checkpoints"))).sort()).toEqual(["step-3", "step-6"]);
    const manifest = JSON.parse(
      await readFile(path.join(local, "checkpoints/step-6/manifest.json"), "utf8"),
    ) as { step: number };
    expect(manifest.step).toBe(6);
    // the secrets' env file is gone once the job started
    expect(existsSync(path.join(run.attempts[0]!.host_dir!, ".env-attempt-1"))).toBe(false);
  });
});

describe("run --dry-run on the Slurm host", () => {
  let dry: CliResult;
  let script: string;

  beforeAll(async () => {
    dry = await ws.tunectl(["run", tinyConfig, ...cpu, "--name", "dry", "--dry-run"]);
    script = dry.stdout.slice(dry.stdout.indexOf("#!/bin/bash"));
  }, 120_000);

  it("prints the batch script and submits nothing", async () => {
    expect(dry.code, dry.stderr).toBe(0);
    expect(script).toMatch(/^#!\/bin\/bash\n/);
    expect(script).toContain("#SBATCH --partition=debug\n");
    expect(script).toContain("#SBATCH --time=00:20:00\n");
    expect(script).toContain("#SBATCH --signal=B:USR1@90\n");
    expect(script).toContain("#SBATCH --requeue\n");
    expect(script).toContain("#SBATCH --open-mode=append\n");
    expect(script).toContain(" -m trainer --config ");
    expect((await ws.runs()).map((r) => r.state)).toEqual(["succeeded"]);
    const queued = await onLogin("squeue -h -t all -o %j");
    expect(queued.stdout).not.toContain("tunectl-dry-");
  });

  it("is a script sbatch --test-only accepts", async () => {
    const file = path.posix.join(slurm.sharedDir, "dry-run-check.sbatch");
    const put = await onLogin(`cat > ${file} <<'TUNECTL_EOF'\n${script}TUNECTL_EOF`);
    expect(put.code, put.stderr).toBe(0);
    const test = await onLogin(`sbatch --test-only ${file}`);
    expect(test.code, test.stderr).toBe(0);
    expect(test.stderr).toMatch(/sbatch: Job \d+ to start at .* on nodes h[23] in partition debug/);
  });
});

describe("cancel of a training Slurm job", () => {
  let id: string;
  let cancel: CliResult;
  let run: RunJson;

  beforeAll(async () => {
    const started = await ws.tunectl([
      "run",
      tinyConfig,
      ...cpu,
      "--set",
      "train.max_steps=2000",
      "--set",
      "train.save_steps=1000",
      "--detach",
      "--json",
    ]);
    expect(started.code, started.stderr).toBe(0);
    id = detachedId(started);
    const log = path.join(slurm.sharedDir, "runs", id, "output/logs/attempt-1.log");
    for (let i = 0; i < 240; i++) {
      const text = await readFile(log, "utf8").catch(() => "");
      if (/training \d+ steps/.test(text)) break;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    cancel = await ws.tunectl(["cancel", id, "--json"], { timeoutMs: 200_000 });
    run = await ws.run(id);
  }, 300_000);

  it("ends cancelled after the trainer checkpointed on scancel's SIGTERM", async () => {
    expect(cancel.code, cancel.stderr).toBe(0);
    expect(JSON.parse(cancel.stdout)).toEqual({ run: id, state: "cancelled" });
    expect(run.attempts[0]).toMatchObject({ state: "cancelled", exit_code: 75 });
    const out = path.join(slurm.sharedDir, "runs", id, "output");
    const status = JSON.parse(await readFile(path.join(out, "status.json"), "utf8")) as {
      state: string;
      step: number;
    };
    expect(status.state).toBe("stopped");
    expect(status.step).toBeLessThan(2000);
    const local = path.join(ws.dir, ".tunectl/runs", id, `checkpoints/step-${status.step}`);
    expect(JSON.parse(await readFile(path.join(local, "manifest.json"), "utf8"))).toMatchObject({
      step: status.step,
    });
    const left = await onLogin(`squeue -h -j ${run.attempts[0]!.handle} -o %T`);
    expect(left.stdout.trim()).not.toMatch(/RUNNING|PENDING/);
  });
});

describe("bad Slurm settings", () => {
  it("a time Slurm cannot read is refused at its config path before anything runs", async () => {
    const bad = await launchWorkspace(
      (yaml) => {
        const host = yaml.hosts.find((h) => h.name === "slurm") as Record<string, unknown>;
        host.time = "2 hours";
      },
      { slurm: true },
    );
    const result = await bad.tunectl(["run", tinyConfig, ...cpu]);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(
      /tunectl\.yaml:\d+:\d+: hosts\.\d+\.time: .*must be a Slurm time/,
    );
    expect(await bad.runs()).toEqual([]);
  });

  it("an unknown partition fails in sbatch's own words, exit 2, with no job queued", async () => {
    const bad = await launchWorkspace(
      (yaml) => {
        const host = yaml.hosts.find((h) => h.name === "slurm") as Record<string, unknown>;
        host.partition = "nope";
      },
      { slurm: true },
    );
    const result = await bad.tunectl(["run", tinyConfig, ...cpu, "--name", "nopart"]);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toContain("invalid partition specified: nope");
    const queued = await onLogin("squeue -h -t all -o %j");
    expect(queued.stdout).not.toContain("tunectl-nopart");
  });
});
