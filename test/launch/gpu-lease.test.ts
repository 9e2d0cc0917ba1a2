// One fake GPU on h3, two runs asking for it at once (process runtime: the testbed's Docker
// engine cannot pass GPUs): exactly one gets it. The winner is then cancelled mid-training and
// must stop through the trainer's SIGTERM checkpoint, giving the GPU back.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  detachedId,
  launchWorkspace,
  ourLeases,
  tinyConfig,
  type CliResult,
  type LaunchWorkspace,
  type RunJson,
} from "./launch-workspace.js";

let ws: LaunchWorkspace;
let results: CliResult[];
let winner: RunJson;
let loser: CliResult;
let plan: CliResult;

const gpuRun = [
  "--host",
  "h3",
  "--set",
  "resources.gpus=1",
  "--set",
  "train.max_steps=400",
  "--set",
  "train.save_steps=2",
  "--set",
  "train.eval_steps=1000",
];

async function untilHost(host: string, command: string, tries = 120): Promise<string> {
  for (let i = 0; i < tries; i++) {
    const result = await ws.testbed.ssh(host, command);
    if (result.code === 0 && result.stdout.trim()) return result.stdout;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`${host}: \`${command}\` never succeeded`);
}

beforeAll(async () => {
  ws = await launchWorkspace((yaml) => {
    const h3 = yaml.hosts.find((host) => host.name === "h3")!;
    h3.runtime = "process";
    h3.python = "auto";
  });
  // Render the dataset once so both launches race for the GPU, not for the cache.
  plan = await ws.tunectl(["run", tinyConfig, ...gpuRun, "--dry-run", "--json"]);
  results = await Promise.all([
    ws.tunectl(["run", tinyConfig, ...gpuRun, "--name", "gpu-a", "--detach", "--json"]),
    ws.tunectl(["run", tinyConfig, ...gpuRun, "--name", "gpu-b", "--detach", "--json"]),
  ]);
  const started = results.filter((result) => result.code === 0);
  expect(started, results.map((r) => r.stderr).join("\n---\n")).toHaveLength(1);
  winner = await ws.run(detachedId(started[0]!));
  loser = results.find((result) => result.code !== 0)!;
}, 300_000);

// Whatever failed above, h3's only GPU is given back, so the next file on the testbed finds
// it free.
afterAll(async () => {
  if (!ws) return;
  const ps = await ws.tunectl(["ps", "--json"]);
  const active = ps.code === 0 ? (JSON.parse(ps.stdout) as { runs: { id: string }[] }).runs : [];
  for (const run of active) await ws.tunectl(["cancel", run.id, "--force", "--json"]);
}, 120_000);

describe("two runs for one GPU on h3", () => {
  it("dry run planned GPU 0 on h3 with the process runtime and leased nothing", () => {
    expect(plan.code, plan.stderr).toBe(0);
    expect(JSON.parse(plan.stdout)).toMatchObject({
      plan: { host: "h3", runtime: "process", gpus: [0] },
    });
  });

  it("one runs on GPU 0, the other is refused with exit 3 naming h3 and the holder", () => {
    expect(winner.state).toBe("running");
    expect(winner.attempts[0]).toMatchObject({ host: "h3", runtime: "process", gpus: [0] });
    expect(loser.code).toBe(3);
    const { error } = JSON.parse(loser.stdout) as { error: { code: string; problems: unknown } };
    expect(error.code).toBe("placement.no_capacity");
    expect(JSON.stringify(error.problems)).toContain(
      `h3: 0 of 1 GPU(s) free (GPU 0: ${winner.id})`,
    );
    expect(loser.stderr).toContain(winner.id);
  });

  it("the refused run is not left active", async () => {
    const runs = await ws.runs();
    const others = runs.filter((run) => run.id !== winner.id);
    for (const run of others) expect(run.state).toBe("failed");
  });

  it("the winner's trainer sees CUDA_VISIBLE_DEVICES=0 and holds the lease", async () => {
    const pidFile = path.posix.join(winner.attempts[0]!.host_dir!, "attempt-1.pid");
    const env = await untilHost("h3", `tr '\\0' '\\n' < /proc/$(cat ${pidFile})/environ`);
    expect(env.split("\n")).toContain("CUDA_VISIBLE_DEVICES=0");
    expect(env.split("\n")).toContain(`TUNECTL_RUN_ID=${winner.id}`);
    expect(await ourLeases(ws, "h3")).toEqual([winner.id]);
    const gpus = await ws.tunectl(["gpus", "--json"]);
    expect(gpus.stdout).toContain(winner.id);
  });
});

describe("cancel during training", () => {
  let cancel: CliResult;
  let run: RunJson;
  const out = () => path.posix.join(winner.attempts[0]!.host_dir!, "output");

  beforeAll(async () => {
    // a checkpoint exists, so training is under way (any step: with save_total_limit 3 and a
    // checkpoint every 2 steps, a quick trainer has already rotated step-2 away)
    await untilHost(
      "h3",
      `ls ${out()}/checkpoints/step-*/manifest.json 2>/dev/null | head -1`,
      240,
    );
    cancel = await ws.tunectl(["cancel", winner.id, "--json"]);
    run = await ws.run(winner.id);
  }, 300_000);

  it("ends cancelled, exit 0 for the cancel command", () => {
    expect(cancel.code, cancel.stderr).toBe(0);
    expect(JSON.parse(cancel.stdout)).toEqual({ run: winner.id, state: "cancelled" });
    expect(run.state).toBe("cancelled");
    expect(run.attempts[0]).toMatchObject({ state: "cancelled", exit_code: 75 });
  });

  it("the trainer stopped after writing a checkpoint on SIGTERM", async () => {
    const status = JSON.parse((await ws.testbed.ssh("h3", `cat ${out()}/status.json`)).stdout) as {
      state: string;
      step: number;
    };
    expect(status.state).toBe("stopped");
    expect(status.step).toBeLessThan(400);
    const manifest = await ws.testbed.ssh(
      "h3",
      `cat ${out()}/checkpoints/step-${status.step}/manifest.json`,
    );
    expect(manifest.code, manifest.stderr).toBe(0);
    expect(JSON.parse(manifest.stdout)).toMatchObject({ step: status.step });
    expect(run.attempts[0]!.final_step).toBe(status.step);
    // cancel brought the last checkpoint home
    const local = path.join(ws.dir, ".tunectl/runs", winner.id, `checkpoints/step-${status.step}`);
    expect(JSON.parse(await readFile(path.join(local, "manifest.json"), "utf8"))).toMatchObject({
      step: status.step,
    });
  });

  it("gives the GPU back and nothing stays active", async () => {
    expect(await ourLeases(ws, "h3")).toEqual([]);
    const ps = await ws.tunectl(["ps", "--json"]);
    expect(JSON.parse(ps.stdout)).toEqual({ runs: [] });
  });
});
