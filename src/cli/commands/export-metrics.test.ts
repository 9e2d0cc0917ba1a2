import { spawnSync } from "node:child_process";
import { appendFileSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { builtCliIn } from "../testing/built-cli.js";
import { RunRegistry } from "../../runs/index.js";

// `tunectl export-metrics` on a run whose second attempt resumed from step 4: the built CLI,
// then the exported files read back by the tools they are for.
const dir = mkdtempSync(path.join(tmpdir(), "tunectl-export-metrics-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// A Python with TensorBoard installed (pip install tensorboard); TENSORBOARD_PYTHON names it.
const python = process.env.TENSORBOARD_PYTHON ?? "python3";
const hasTensorboard =
  spawnSync(python, ["-c", "import tensorboard"], { stdio: "ignore" }).status === 0;

const tunectl = builtCliIn(dir);

let id: string;
const line = (step: number, loss: number, kind = "train") =>
  JSON.stringify({
    ts: 1_764_000_000 + step,
    step,
    kind,
    loss,
    lr: 0.001 * step,
    epoch: step / 10,
  });

beforeAll(async () => {
  const registry = new RunRegistry(path.join(dir, ".tunectl"));
  ({ id } = await registry.create({
    name: "export",
    configYaml: "name: export\n",
    model: "builtin:tiny",
    image: "x",
    gpus_requested: 0,
  }));
  const lines = [
    ...[1, 2, 3, 4, 5, 6].map((step) => line(step, 3 - step * 0.1)),
    // attempt 2 resumed from the step-4 checkpoint: steps 5 and 6 again, with new values
    ...[5, 6, 7].map((step) => line(step, 2 - step * 0.1)),
    JSON.stringify({ ts: 1_764_000_010, step: 7, kind: "eval", eval_loss: 1.25 }),
  ];
  appendFileSync(registry.paths(id).metrics, `${lines.join("\n")}\n`);
});

describe("tunectl export-metrics", () => {
  it("--format csv: one row per step as show sees them, the contract's columns first", () => {
    const result = tunectl("export-metrics", id, "--format", "csv");
    expect(result.status).toBe(0);
    const rows = result.stdout.trim().split("\n");
    expect(rows[0]).toBe(
      "step,attempt,kind,epoch,loss,eval_loss,lr,grad_norm,tokens,tokens_per_s,total_steps,ts",
    );
    expect(rows.slice(1).map((row) => row.split(",").slice(0, 3).join(","))).toEqual([
      "1,1,train",
      "2,1,train",
      "3,1,train",
      "4,1,train",
      "5,1,train",
      "6,1,train",
      "7,1,train",
      "7,1,eval",
    ]);
    expect(rows[5]!.split(",")[4]).toBe("1.5");
  });

  it.skipIf(!hasTensorboard)(
    "--format tensorboard: TensorBoard's own reader loads the steps and values",
    () => {
      const result = tunectl("export-metrics", id, "--format", "tensorboard", "--out", "tb");
      expect(result.status).toBe(0);
      expect(readdirSync(path.join(dir, "tb"))).toHaveLength(1);
      const read = spawnSync(
        python,
        [
          "-c",
          [
            "import json, sys",
            "from tensorboard.backend.event_processing.event_accumulator import EventAccumulator",
            "acc = EventAccumulator(sys.argv[1]); acc.Reload()",
            "print(json.dumps({tag: [[e.step, round(e.value, 5)] for e in acc.Scalars(tag)] for tag in acc.Tags()['scalars']}))",
          ].join("\n"),
          path.join(dir, "tb"),
        ],
        { encoding: "utf8" },
      );
      expect(read.stderr).not.toMatch(/Error/);
      const scalars = JSON.parse(read.stdout) as Record<string, Array<[number, number]>>;
      expect(scalars["train/loss"]).toEqual([
        [1, 2.9],
        [2, 2.8],
        [3, 2.7],
        [4, 2.6],
        [5, 1.5],
        [6, 1.4],
        [7, 1.3],
      ]);
      expect(scalars["train/lr"]!.map(([step]) => step)).toEqual([1, 2, 3, 4, 5, 6, 7]);
      expect(scalars["eval/eval_loss"]).toEqual([[7, 1.25]]);
    },
  );
});
