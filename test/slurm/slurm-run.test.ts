// tunectl on the testbed's real Slurm cluster (slurmctld on h1, slurmds on h2 and h3, brought
// up on demand): a run submitted through the login host to success with metrics and checkpoints
// streamed back from the shared directory; the dry run's script accepted by `sbatch --test-only`;
// a cancel through scancel's SIGTERM path; a job waiting for nodes shown PENDING with Slurm's
// reason, and cancelled while it waits; bad Slurm settings refused with exit 2.
import { existsSync } from "node:fs";
import { readFile, readdir } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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

describe("a job waiting for nodes another job holds", () => {
  const blockers: string[] = [];
  let id: string;
  let ps: CliResult;
  let show: CliResult;
  let cancel: CliResult;
  let hosts: CliResult;
  let run: RunJson;

  beforeAll(async () => {
    // Every node taken by a job of someone else's, so tunectl's job must wait for resources.
    for (const node of slurm.nodes) {
      const held = await onLogin(
        `sbatch --parsable --exclusive -N1 -w ${node} -J someone-else -o /dev/null --wrap 'sleep 600'`,
      );
      expect(held.code, held.stderr).toBe(0);
      blockers.push(held.stdout.trim());
    }
    for (let i = 0; i < 60; i++) {
      const states = await onLogin(`squeue -h -j ${blockers.join(",")} -o %T`);
      if (
        states.stdout
          .trim()
          .split("\n")
          .every((s) => s === "RUNNING")
      )
        break;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    hosts = await ws.tunectl(["hosts", "--json"]);
    const started = await ws.tunectl([
      "run",
      tinyConfig,
      ...cpu,
      ...shortRun,
      "--detach",
      "--json",
    ]);
    expect(started.code, started.stderr).toBe(0);
    id = detachedId(started);
    // `ps` asks the cluster; the reason shows once the scheduler has looked at the job
    for (let i = 0; i < 60; i++) {
      ps = await ws.tunectl(["ps"]);
      if (ps.stdout.includes("PENDING: Resources")) break;
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
    show = await ws.tunectl(["show", id]);
    run = await ws.run(id);
    cancel = await ws.tunectl(["cancel", id, "--json"], { timeoutMs: 200_000 });
  }, 400_000);

  afterAll(async () => {
    if (blockers.length) await onLogin(`scancel ${blockers.join(" ")}`);
  });

  it("is running in tunectl's terms, PENDING with Slurm's reason in ps and show, the job id in show", () => {
    expect(ps.code, ps.stderr).toBe(0);
    expect(ps.stdout).toMatch(new RegExp(`${id}\\s+running \\(PENDING: Resources\\)`));
    const jobId = run.attempts[0]!.handle!;
    expect(jobId).toMatch(/^\d+$/);
    expect(show.stdout).toContain("running (PENDING: Resources)");
    expect(show.stdout).toContain(`slurm (slurm job ${jobId})`);
    expect(run.attempts[0]).toMatchObject({
      state: "running",
      scheduler: { state: "PENDING", reason: "Resources" },
    });
  });

  it("hosts shows the cluster's partitions with every node allocated", () => {
    expect(hosts.code, hosts.stderr).toBe(0);
    const entry = (
      JSON.parse(hosts.stdout) as {
        hosts: { name: string; slurm?: { partitions: Record<string, unknown>[] } }[];
      }
    ).hosts.find((h) => h.name === "slurm")!;
    expect(entry.slurm?.partitions).toEqual([
      expect.objectContaining({
        name: "debug",
        default: true,
        availability: "up",
        nodes: { allocated: 2, idle: 0, other: 0, total: 2 },
        gpus: { allocated: 0, total: 0 },
      }),
      expect.objectContaining({ name: "gpu", default: false, time_limit: "2:00:00" }),
    ]);
  });

  it("is cancelled while it waits, leaving nothing queued", async () => {
    expect(cancel.code, cancel.stderr).toBe(0);
    expect(JSON.parse(cancel.stdout)).toEqual({ run: id, state: "cancelled" });
    const ended = await ws.run(id);
    expect(ended.attempts[0]!.state).toBe("cancelled");
    expect(ended.attempts[0]).not.toHaveProperty("scheduler");
    const left = await onLogin(`squeue -h -j ${ended.attempts[0]!.handle} -o %T`);
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
