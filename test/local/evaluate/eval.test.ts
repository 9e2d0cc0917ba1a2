// tunectl eval end to end on this machine: the real trainer on host `local` (the process
// runtime, the trainer's virtualenv), a local store, the built CLI driven as a user drives it.
import { existsSync } from "node:fs";
import { readFile, readdir } from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { freshWorkspace, tinyConfig, tunectl } from "../../concurrency/crowd.js";

interface EvalJson {
  run: string;
  checkpoints: Array<{
    step: number;
    eval_loss: number | null;
    token_accuracy: number | null;
    answers: Array<{ prompt_id: string; output: string }>;
    reused: boolean;
    evaluated_at: string;
  }>;
}

const train = (name: string, steps: number) => [
  "run",
  tinyConfig,
  "--name",
  name,
  "--set",
  `train.max_steps=${steps}`,
  "--set",
  "train.save_steps=4",
  "--set",
  "train.eval_steps=4",
];

let ws: string;
let runA: string;
let runB: string;

async function runId(name: string): Promise<string> {
  const ids = await readdir(path.join(ws, ".tunectl", "runs"));
  const id = ids.find((entry) => entry.startsWith(`${name}-`));
  if (!id) throw new Error(`no run named ${name} in ${ws}`);
  return id;
}

/** The eval metric lines the trainer wrote while training, by step. */
async function trainedEvalLoss(id: string): Promise<Map<number, number>> {
  const text = await readFile(path.join(ws, ".tunectl", "runs", id, "metrics.jsonl"), "utf8");
  const lines = text
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { kind: string; step: number; eval_loss?: number });
  return new Map(lines.filter((l) => l.kind === "eval").map((l) => [l.step, l.eval_loss!]));
}

beforeAll(async () => {
  ws = await freshWorkspace();
  for (const [name, steps] of [
    ["eval-a", 8],
    ["eval-b", 4],
  ] as const) {
    const trained = await tunectl(train(name, steps), ws, 400_000);
    expect(trained.code, trained.stderr).toBe(0);
  }
  runA = await runId("eval-a");
  runB = await runId("eval-b");
}, 800_000);

describe("tunectl eval", () => {
  it("evaluates every checkpoint where the run trained: eval loss as training computed it, token accuracy, answers", async () => {
    const result = await tunectl(["eval", runA, "--checkpoints", "all", "--json"], ws);
    expect(result.code, result.stderr).toBe(0);
    const evaluated = JSON.parse(result.stdout) as EvalJson;
    expect(evaluated.checkpoints.map((c) => c.step)).toEqual([4, 8]);
    const trained = await trainedEvalLoss(runA);
    for (const checkpoint of evaluated.checkpoints) {
      expect(checkpoint.reused).toBe(false);
      expect(checkpoint.token_accuracy).toBeGreaterThanOrEqual(0);
      expect(checkpoint.token_accuracy).toBeLessThanOrEqual(1);
      expect(checkpoint.answers.length).toBeGreaterThan(0);
      expect(checkpoint.answers.every((a) => typeof a.output === "string")).toBe(true);
      expect(checkpoint.eval_loss).toBeCloseTo(trained.get(checkpoint.step)!, 4);
    }
    const stored = await readdir(path.join(ws, ".tunectl", "runs", runA, "evals"));
    expect(stored.sort()).toEqual(["step-4.json", "step-8.json"]);

    const again = await tunectl(["eval", runA, "--checkpoints", "8", "--json"], ws);
    expect(again.code, again.stderr).toBe(0);
    const reused = (JSON.parse(again.stdout) as EvalJson).checkpoints[0]!;
    expect(reused.reused).toBe(true);
    expect(reused.evaluated_at).toBe(evaluated.checkpoints[1]!.evaluated_at);
  });

  it("shows them in show and side by side in compare", async () => {
    const b = await tunectl(["eval", runB, "--json"], ws);
    expect(b.code, b.stderr).toBe(0);
    const best = JSON.parse(b.stdout) as EvalJson;
    expect(best.checkpoints.map((c) => c.step)).toEqual([4]);

    const stored = JSON.parse(
      await readFile(path.join(ws, ".tunectl", "runs", runA, "evals", "step-8.json"), "utf8"),
    ) as { eval_loss: number; answers: Array<{ prompt_id: string }> };
    const show = await tunectl(["show", runA], ws);
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toContain("eval (tunectl eval)");
    expect(show.stdout).toContain(stored.eval_loss.toFixed(4));
    const shown = await tunectl(["show", runA, "--json"], ws);
    const json = JSON.parse(shown.stdout) as { evals: { checkpoints: Array<{ step: number }> } };
    expect(json.evals.checkpoints.map((c) => c.step)).toEqual([4, 8]);

    const compare = await tunectl(["compare", runA, runB], ws);
    expect(compare.code, compare.stderr).toBe(0);
    expect(compare.stdout).toContain("eval answers by prompt");
    const promptId = stored.answers[0]!.prompt_id;
    const block = compare.stdout.slice(compare.stdout.indexOf(`\n${promptId}  `));
    expect(block).toMatch(/step 8 {2}"/);
    expect(block).toMatch(/step 4 {2}"/);
    const report = JSON.parse((await tunectl(["compare", runA, runB, "--json"], ws)).stdout) as {
      evals: {
        prompts: Array<{ prompt_id: string; answers: Array<{ run: string; step: number }> }>;
      };
    };
    const answers = report.evals.prompts.find((p) => p.prompt_id === promptId)!.answers;
    expect(answers.map((a) => [a.run, a.step])).toEqual([
      [runA, 4],
      [runA, 8],
      [runB, 4],
    ]);
  });

  it("refuses a checkpoint the run does not have (exit 2), running nothing", async () => {
    const result = await tunectl(["eval", runA, "--checkpoints", "6"], ws);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("no checkpoint at step 6");
    expect(existsSync(path.join(ws, ".tunectl", "runs", runA, "evals", "step-6.json"))).toBe(false);
    const judge = await tunectl(["eval", runA, "--judge", "missing.yaml"], ws);
    expect(judge.code).toBe(2);
  });
});
