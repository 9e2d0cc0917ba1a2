import { describe, expect, it } from "vitest";
import type { MetricLine } from "../runs/index.js";
import {
  applyMetric,
  etaSeconds,
  renderProgressLine,
  renderStepLine,
  type LiveState,
} from "./live-view.js";

const train = (step: number, loss: number, ts = 1000 + step): MetricLine => ({
  ts,
  step,
  total_steps: 100,
  loss,
  lr: 2e-4,
  tokens_per_s: 1530,
  attempt: 1,
  kind: "train",
});

const start: LiveState = { runId: "r", host: "h1", gpus: [0, 1], step: 0, startedAtMs: 0 };

describe("live view", () => {
  it("smooths the loss with an EMA and estimates the time left from the step rate", () => {
    let state = applyMetric(start, train(1, 2, 1002));
    state = applyMetric(state, train(2, 1, 1004));
    expect(state.emaLoss).toBeCloseTo(0.1 * 1 + 0.9 * 2);
    for (let step = 3; step <= 50; step++)
      state = applyMetric(state, train(step, 1, 1000 + 2 * step));
    expect(etaSeconds(state)).toBeCloseTo(100, 0); // 50 steps left at 0.5 step/s
  });

  it("restarts the rate when a resumed attempt steps back", () => {
    let state = applyMetric(start, train(40, 1, 1000));
    state = applyMetric(state, train(50, 1, 1010));
    state = applyMetric(state, train(41, 1, 5000));
    state = applyMetric(state, train(51, 1, 5020));
    expect(etaSeconds(state)).toBeCloseTo(98);
  });

  it("renders a progress line for a TTY and one line per step otherwise", () => {
    let state = applyMetric(start, train(24, 1.23456, 1000));
    state = applyMetric(state, { ts: 1001, step: 24, attempt: 1, kind: "eval", eval_loss: 1.1 });
    state = applyMetric(state, train(25, 1.2, 1002));
    const line = renderProgressLine(state, 62_000, 200);
    expect(line).toMatch(
      /^\[#####-+\] 25\/100 25% loss 1\.2000 \(ema 1\.23\d+\) eval_loss 1\.1000 lr 2\.00e-4 1\.5k tok\/s elapsed 1m02s eta 2m30s h1 gpu 0,1$/,
    );
    expect(renderProgressLine(state, 62_000, 30)).toHaveLength(30);
    expect(renderStepLine(state, train(25, 1.2), 62_000)).toMatch(
      /^step 25\/100 loss 1\.2000 \(ema 1\.23\d+\) eval_loss 1\.1000 /,
    );
    expect(
      renderStepLine(state, { ts: 1, step: 24, attempt: 1, kind: "eval", eval_loss: 1.1 }, 0),
    ).toBe("eval step 24/100 eval_loss 1.1000");
    expect(renderStepLine(state, { ts: 1, step: 100, attempt: 1, kind: "summary" }, 0)).toBeNull();
  });

  it("labels the step's loss and the smoothed one apart", () => {
    let state = applyMetric(start, train(1, 5.8));
    for (let step = 2; step <= 9; step++) state = applyMetric(state, train(step, 5.6));
    state = applyMetric(state, train(10, 4.91));
    const line = renderProgressLine(state, 0, 300);
    expect(line).toMatch(/ loss 4\.9100 \(ema 5\.6\d+\) /);
    expect(state.emaLoss).toBeGreaterThan(5.5);
  });

  it("shows that the host is unreachable without ending the view", () => {
    const state = { ...applyMetric(start, train(3, 1)), unreachableFor: 12 };
    expect(renderProgressLine(state, 0, 300)).toContain("(h1 unreachable for 12 s, retrying)");
  });
});
