import { rm } from "node:fs/promises";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  addRun,
  evalLine,
  tempRegistry,
  tinyConfig,
  trainLines,
} from "../../test/compare/fixture-runs.js";
import type { RunRegistry } from "../runs/index.js";
import { renderSummary } from "./render-summary.js";
import { summarizeRun } from "./run-summary.js";

let registry: RunRegistry;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  ({ registry, cleanup } = await tempRegistry());
});
afterEach(() => cleanup());

const loss = (step: number) => 1 + Math.abs(Math.sin(step)) / step;

describe("summarizeRun", () => {
  it("matches the metric lines, attempts and checkpoints", async () => {
    const lines = [
      ...trainLines(1, 40, { total: 40, loss }),
      evalLine(10, 1.9),
      evalLine(20, 1.5),
      evalLine(30, 1.6),
      evalLine(40, 1.7),
    ];
    const run = await addRun(registry, {
      config: tinyConfig(),
      lines,
      gpus_requested: 2,
      attempts: [
        { gpus: [0, 1], started_at: "2025-01-01T00:00:00Z", ended_at: "2025-01-01T00:10:00Z" },
        { gpus: [], started_at: "2025-01-01T01:00:00Z", ended_at: "2025-01-01T01:05:00Z" },
      ],
      checkpoints: [
        { step: 20, loss: 1.2, eval_loss: 1.5 },
        { step: 40, loss: 1.1, eval_loss: 1.7 },
      ],
    });
    const summary = await summarizeRun(registry, run);

    let minStep = 1;
    for (let step = 1; step <= 40; step++) if (loss(step) < loss(minStep)) minStep = step;
    let speedSum = 0;
    for (let step = 1; step <= 40; step++) speedSum += 50 + (step % 7);

    expect(summary).toMatchObject({
      id: run.id,
      state: "succeeded",
      steps: 40,
      total_steps: 40,
      attempts: 2,
      duration_s: 900,
      tokens_seen: 4000,
      final_train_loss: loss(40),
      min_train_loss: loss(minStep),
      min_train_loss_step: minStep,
      final_eval_loss: 1.7,
      best_eval_loss: 1.5,
      best_eval_step: 20,
      checkpoints: 2,
    });
    expect(summary.mean_tokens_per_s).toBeCloseTo(speedSum / 40, 9);
    // attempt 1 leased 2 GPUs for 10 min; attempt 2 recorded none, so the 2 requested for 5 min
    expect(summary.gpu_hours).toBeCloseTo((2 * 600 + 2 * 300) / 3600, 9);
    expect(summary.best_checkpoint).toMatchObject({ step: 20, eval_loss: 1.5 });
    expect(summary.best_checkpoint!.path).toBe(`${registry.paths(run.id).checkpoints}/step-20`);
  });

  it("a resumed run counts each step once, from its latest attempt", async () => {
    const first = trainLines(1, 30, { total: 50, loss: (s) => (s > 20 ? 0.01 : loss(s)) });
    const second = trainLines(21, 50, { total: 50, loss });
    const run = await addRun(registry, { config: tinyConfig(), lines: [...first, ...second] });
    const summary = await summarizeRun(registry, run);
    let min = Infinity;
    for (let step = 1; step <= 50; step++) min = Math.min(min, loss(step));
    expect(summary.steps).toBe(50);
    expect(summary.tokens_seen).toBe(5000);
    expect(summary.min_train_loss).toBe(min); // the rewound 0.01 lines are gone
  });

  it("tolerates a run with no metrics, no attempts started and no checkpoint directory", async () => {
    const run = await addRun(registry, { config: tinyConfig(), lines: [], state: "pending" });
    await rm(registry.paths(run.id).checkpoints, { recursive: true });
    const summary = await summarizeRun(registry, run);
    expect(summary).toMatchObject({
      steps: 0,
      total_steps: null,
      duration_s: null,
      gpu_hours: null,
      final_train_loss: null,
      best_eval_loss: null,
      best_checkpoint: null,
      checkpoints: 0,
    });
    expect(renderSummary(summary)).toMatch(/^best checkpoint +-$/m);
  });

  it("counts a running attempt up to now", async () => {
    const run = await addRun(registry, {
      config: tinyConfig(),
      lines: trainLines(1, 3),
      state: "running",
      attempts: [{ gpus: [0], started_at: "2025-01-01T00:00:00Z" }],
    });
    const summary = await summarizeRun(registry, run, { now: new Date("2025-01-01T02:00:00Z") });
    expect(summary.duration_s).toBe(7200);
    expect(summary.gpu_hours).toBe(2);
  });

  it("renderSummary prints one aligned line per field", async () => {
    const run = await addRun(registry, {
      config: tinyConfig(),
      lines: [...trainLines(1, 10, { loss }), evalLine(10, 1.25)],
      checkpoints: [{ step: 10, loss: 1.1 }],
    });
    const text = renderSummary(await summarizeRun(registry, run));
    expect(text).toMatch(/^best eval loss +1\.25 @ step 10$/m);
    expect(text).toMatch(/^steps +10 \/ 10$/m);
    expect(text).toMatch(/^best checkpoint +step-10$/m);
    const valueColumns = new Set(text.split("\n").map((line) => line.search(/(?<=\S  +)\S/)));
    expect(valueColumns.size).toBe(1);
  });
});
