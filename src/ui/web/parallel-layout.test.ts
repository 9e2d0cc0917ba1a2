import { describe, expect, it } from "vitest";
import type { Leaderboard } from "../../sweep/index.js";
import { parallelLayout } from "./parallel-layout.js";

type Row = Leaderboard["trials"][number];
const trial = (
  id: string,
  lr: number,
  r: number,
  sched: string,
  state: Row["state"],
  best: number | null,
): Row => ({
  trial: id,
  params: { lr, r, sched, steps: 4 },
  state,
  best,
});

const sweep: Leaderboard = {
  id: "lr-sweep-0123abcd",
  name: "lr-sweep",
  method: "grid",
  metric: { name: "eval_loss", goal: "minimize" },
  budget: {},
  trials: [
    trial("t1", 1e-4, 8, "cosine", "succeeded", 2),
    trial("t2", 1e-2, 16, "linear", "succeeded", 4),
    trial("t3", 1e-3, 8, "cosine", "running", 3),
    trial("t4", 1e-3, 32, "linear", "planned", null),
  ],
};

describe("parallel coordinates of a sweep", () => {
  it("has one axis per varying parameter and the metric last, one line per trial", () => {
    const { axes, lines } = parallelLayout(sweep);
    expect(axes.map((a) => [a.name, a.kind])).toEqual([
      ["lr", "log"],
      ["r", "linear"],
      ["sched", "category"],
      ["eval_loss", "linear"],
    ]);
    expect(lines.map((l) => l.trial)).toEqual(["t1", "t2", "t3", "t4"]);
  });

  it("places a learning rate on a log axis and categories in even slots", () => {
    const { lines } = parallelLayout(sweep);
    expect(lines.map((l) => l.at[0])).toEqual([0, 1, 0.5, 0.5]);
    expect(lines.map((l) => l.at[1])).toEqual([0, 8 / 24, 0, 1]);
    expect(lines.map((l) => l.at[2])).toEqual([0, 1, 0, 1]);
  });

  it("puts the best value at the top of the metric axis, and no value for a trial without one", () => {
    const { axes, lines } = parallelLayout(sweep);
    expect(lines.map((l) => l.rank)).toEqual([1, 0, 0.5, null]);
    expect(lines[3]!.at[3]).toBeNull();
    expect(axes[3]!.ticks).toEqual([
      { at: 1, label: "2" },
      { at: 0, label: "4" },
    ]);
    const maximize = parallelLayout({ ...sweep, metric: { name: "acc", goal: "maximize" } });
    expect(maximize.lines.map((l) => l.rank)).toEqual([0, 1, 0.5, null]);
  });
});
