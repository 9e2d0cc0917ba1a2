import { describe, expect, it } from "vitest";
import { attemptAwareMetrics, parseMetricLines } from "./metrics-view.js";
import type { MetricLine } from "./run-record.js";

const train = (step: number, loss: number): MetricLine => ({
  ts: step,
  step,
  attempt: 1,
  kind: "train",
  loss,
});

describe("attempt-aware metrics", () => {
  it("lets a resumed attempt's re-done steps replace the earlier attempt's", () => {
    const first = [1, 2, 3, 4, 5].map((s) => train(s, 10 - s));
    const eval3: MetricLine = { ts: 3, step: 3, attempt: 1, kind: "eval", eval_loss: 7 };
    const second = [4, 5, 6].map((s) => train(s, 100 + s));
    const view = attemptAwareMetrics([...first.slice(0, 3), eval3, ...first.slice(3), ...second]);
    expect(view.filter((l) => l.kind === "train").map((l) => [l.step, l.loss])).toEqual([
      [1, 9],
      [2, 8],
      [3, 7],
      [4, 104],
      [5, 105],
      [6, 106],
    ]);
    expect(view.filter((l) => l.kind === "eval")).toHaveLength(1);
  });

  it("keeps one summary, the last", () => {
    const view = attemptAwareMetrics([
      train(1, 1),
      { ts: 1, step: 1, attempt: 1, kind: "summary" },
      train(2, 1),
      { ts: 2, step: 2, attempt: 1, kind: "summary" },
    ]);
    expect(view.filter((l) => l.kind === "summary").map((l) => l.step)).toEqual([2]);
  });

  it("skips a torn line and lines that are not metrics", () => {
    const text = `${JSON.stringify(train(1, 2))}\n{"step": 2, "kind": "tr\n[1,2]\n${JSON.stringify(train(3, 1))}\n`;
    expect(parseMetricLines(text).map((l) => l.step)).toEqual([1, 3]);
  });
});
