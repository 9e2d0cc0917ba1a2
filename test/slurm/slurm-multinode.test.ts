// tunectl on the testbed's real Slurm cluster, one attempt on both nodes: `resources.nodes: 2`
// is one allocation in which srun starts one trainer per node, torchrun's c10d rendezvous on
// the first node keyed by the run id, gloo on CPU, one process per node. With a micro batch of 4
// per node it trains what one node trains with a micro batch of 8, and every node's lines reach
// the log, each with its node's task number.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ensureSlurm, type TestbedSlurm } from "../setup/testbed.js";
import { lossByStep } from "./train-losses.js";
import {
  launchWorkspace,
  tinyConfig,
  type CliResult,
  type LaunchWorkspace,
  type RunJson,
} from "../launch/launch-workspace.js";

let slurm: TestbedSlurm;
let ws: LaunchWorkspace;
const steps = 8;
const args = (name: string, nodes: number, micro: number) => [
  "run",
  tinyConfig,
  "--host",
  "slurm",
  "--name",
  name,
  ...["resources.gpus=0", `resources.nodes=${nodes}`, `train.max_steps=${steps}`]
    .concat([`train.micro_batch_size=${micro}`, "train.save_steps=4", "train.eval_steps=null"])
    .flatMap((setting) => ["--set", setting]),
];

const runId = (result: CliResult) => /run (\S+) succeeded/.exec(result.stdout + result.stderr)?.[1];

beforeAll(async () => {
  slurm = await ensureSlurm();
  ws = await launchWorkspace(undefined, { slurm: true });
}, 900_000);

describe("a run on two Slurm nodes", () => {
  let two: CliResult;
  let one: CliResult;
  let run: RunJson;
  let reference: RunJson;

  beforeAll(async () => {
    two = await ws.tunectl(args("two-nodes", 2, 4), { timeoutMs: 400_000 });
    one = await ws.tunectl(args("one-node", 1, 8), { timeoutMs: 300_000 });
    run = await ws.run(runId(two)!);
    reference = await ws.run(runId(one)!);
  }, 800_000);

  it("is one job on both nodes that succeeds, with metrics and checkpoints streamed back", async () => {
    expect(two.code, two.stdout + two.stderr).toBe(0);
    expect(run.state).toBe("succeeded");
    expect(run.attempts).toHaveLength(1);
    const job = await ws.testbed.ssh(
      slurm.loginHost,
      `scontrol show job -o ${run.attempts[0]!.handle}`,
    );
    expect(job.stdout).toMatch(/JobState=COMPLETED /);
    expect(job.stdout).toMatch(/ NumNodes=2 /);
    const script = await readFile(
      path.join(slurm.sharedDir, "runs", run.id, "attempt-1.sbatch"),
      "utf8",
    );
    expect(script).toContain("#SBATCH --nodes=2");
    expect(script).toContain("srun --label");
    const local = path.join(ws.dir, ".tunectl/runs", run.id);
    const manifest = JSON.parse(
      await readFile(path.join(local, `checkpoints/step-${steps}/manifest.json`), "utf8"),
    ) as { step: number };
    expect(manifest.step).toBe(steps);
  });

  it("trains the losses of one node with twice the micro batch", async () => {
    expect(one.code, one.stdout + one.stderr).toBe(0);
    expect(reference.state).toBe("succeeded");
    const expected = await lossByStep(ws.dir, reference.id);
    const got = await lossByStep(ws.dir, run.id);
    expect([...got.keys()].sort((a, b) => a - b)).toEqual(
      Array.from({ length: steps }, (_, i) => i + 1),
    );
    for (const [step, loss] of expected) expect(Math.abs(got.get(step)! - loss)).toBeLessThan(1e-5);
  });

  it("logs both nodes' lines, each with its node's task number, and the rendezvous", async () => {
    const log = await readFile(
      path.join(ws.dir, ".tunectl/runs", run.id, "logs/attempt-1.log"),
      "utf8",
    );
    expect(log).toMatch(
      new RegExp(
        `2 nodes \\(h\\[2-3\\]\\), rendezvous ${run.id}-a1 at \\d+\\.\\d+\\.\\d+\\.\\d+:\\d+`,
      ),
    );
    expect(log).toMatch(/^0: .*2 processes \(DDP\)/m);
    expect(log).toMatch(/^1: /m);
  });
});
