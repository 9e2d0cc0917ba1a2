import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  addRun,
  evalLine,
  tempRegistry,
  tinyConfig,
  trainLines,
} from "../../test/compare/fixture-runs.js";
import type { RunRegistry } from "../runs/index.js";
import { compareRuns } from "./compare-runs.js";
import { smoothEma } from "./series.js";

let registry: RunRegistry;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  ({ registry, cleanup } = await tempRegistry());
});
afterEach(() => cleanup());

describe("series", () => {
  it("a resumed run (steps 1..30, then 21..50) is one continuous curve, no step twice", async () => {
    const first = trainLines(1, 30, { total: 50, loss: () => 9 });
    const second = trainLines(21, 50, { total: 50, loss: (s) => s });
    const resumed = await addRun(registry, { config: tinyConfig(), lines: [...first, ...second] });
    const other = await addRun(registry, { config: tinyConfig(), lines: trainLines(1, 20) });
    const report = await compareRuns(registry, [resumed.id, other.id]);
    const curve = report.series.loss!.find((s) => s.run === resumed.id)!.points;
    expect(curve.map(([x]) => x)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(curve.slice(20).map(([, y]) => y)).toEqual(Array.from({ length: 30 }, (_, i) => i + 21));
    expect(report.series.loss!.find((s) => s.run === other.id)!.points).toHaveLength(20);
  });

  it("train loss ignores eval lines; eval_loss reads only them; --align tokens uses tokens seen", async () => {
    const lines = [...trainLines(1, 10, { loss: () => 2 }), evalLine(5, 99), evalLine(10, 98)];
    const a = await addRun(registry, { config: tinyConfig(), lines });
    const b = await addRun(registry, { config: tinyConfig(), lines });
    const report = await compareRuns(registry, [a.id, b.id], { align: "tokens" });
    const [loss] = report.series.loss!;
    expect(loss!.points.every(([, y]) => y === 2)).toBe(true);
    expect(loss!.points[0]).toEqual([100, 2]);
    expect(report.series.eval_loss![0]!.points).toEqual([
      [500, 99],
      [1000, 98],
    ]);
    expect(report.series.lr![0]!.points).toHaveLength(10);
    expect(report.align).toBe("tokens");
  });

  it("--metric adds a series; an unknown metric is a user error naming the known ones", async () => {
    const a = await addRun(registry, { config: tinyConfig(), lines: trainLines(1, 4) });
    const b = await addRun(registry, { config: tinyConfig(), lines: trainLines(1, 4) });
    const report = await compareRuns(registry, [a.id, b.id], { metric: "grad_norm" });
    expect(Object.keys(report.series)).toEqual(["loss", "eval_loss", "lr", "grad_norm"]);
    expect(report.series.grad_norm![0]!.points[1]).toEqual([2, 0.5]);
    const error = await compareRuns(registry, [a.id, b.id], { metric: "perplexity" }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ kind: "user", code: "compare.unknown_metric" });
    expect((error as { hint: string }).hint).toContain("grad_norm");
  });

  it("EMA keeps a constant curve constant, starts at the first value, and weight 0 is identity", () => {
    const flat = smoothEma(
      [
        [1, 3],
        [2, 3],
        [3, 3],
      ],
      0.9,
    );
    flat.forEach(([, y]) => expect(y).toBeCloseTo(3, 12));
    const noisy: Array<[number, number]> = [
      [1, 4],
      [2, 0],
      [3, 4],
      [4, 0],
    ];
    const smooth = smoothEma(noisy, 0.6);
    expect(smooth[0]![1]).toBeCloseTo(4, 12);
    expect(smooth[1]![1]).toBeCloseTo((0.6 * 0.4 * 4) / (1 - 0.36), 12);
    expect(smoothEma(noisy, 0)).toEqual(noisy);
  });
});
