import { describe, expect, it } from "vitest";
import { dataSchema, isFileSource, type DatasetSource } from "../config/index.js";
import { mixtureIndices, planMixture } from "./mixture.js";

const sources = (...weights: Array<number | undefined>): DatasetSource[] =>
  dataSchema
    .parse({
      train: weights.map((weight, i) => ({
        path: `s${i}.jsonl`,
        format: "alpaca",
        ...(weight === undefined ? {} : { weight }),
      })),
    })
    .train.filter(isFileSource);
const mixture = (m: Record<string, unknown> = {}) =>
  dataSchema.parse({ train: sources(1), mixture: m }).mixture;
const taken = (plan: ReturnType<typeof planMixture>) => plan?.sources.map((s) => s.taken);

describe("mixing weighted data.train sources", () => {
  it("is off without weights: every record once", () => {
    expect(planMixture(sources(undefined, undefined), [10, 20], mixture())).toBeUndefined();
  });

  it("uses the tightest source whole and samples the others down to their share", () => {
    expect(taken(planMixture(sources(1, 1), [1000, 300], mixture()))).toEqual([300, 300]);
    expect(taken(planMixture(sources(3, 1), [1000, 300], mixture()))).toEqual([900, 300]);
    expect(taken(planMixture(sources(3, 1), [600, 300], mixture()))).toEqual([600, 200]);
    // a source without a weight weighs 1; an empty source drops out of the shares
    expect(taken(planMixture(sources(2, undefined), [1000, 1000], mixture()))).toEqual([1000, 500]);
    expect(taken(planMixture(sources(1, 1, 1), [100, 0, 50], mixture()))).toEqual([50, 0, 50]);
  });

  it("caps at total; repeats only with allow_repeat", () => {
    expect(taken(planMixture(sources(3, 1), [1000, 300], mixture({ total: 400 })))).toEqual([
      300, 100,
    ]);
    const repeated = planMixture(sources(1, 1), [1000, 300], mixture({ allow_repeat: true }));
    expect(taken(repeated)).toEqual([650, 650]);
    expect(
      taken(planMixture(sources(1, 1), [1000, 300], mixture({ allow_repeat: true, total: 100 }))),
    ).toEqual([50, 50]);
  });

  it("samples each source within its range, reproducibly by seed", () => {
    const plan = planMixture(sources(3, 1), [1000, 300], mixture())!;
    const starts = [0, 1000];
    const a = mixtureIndices(plan, starts, 42);
    expect(a.length).toBe(1200);
    expect(new Set(a).size).toBe(1200);
    expect(a.filter((i) => i < 1000).length).toBe(900);
    expect(a.filter((i) => i >= 1000 && i < 1300).length).toBe(300);
    expect(mixtureIndices(plan, starts, 42)).toEqual(a);
    const other = mixtureIndices(plan, starts, 7);
    expect(new Set(other)).not.toEqual(new Set(a));
  });

  it("with allow_repeat, a short source repeats every record before any a third time", () => {
    const plan = planMixture(sources(1, 1), [1000, 300], mixture({ allow_repeat: true }))!;
    const picked = mixtureIndices(plan, [0, 1000], 42);
    const uses = new Map<number, number>();
    for (const i of picked) if (i >= 1000) uses.set(i, (uses.get(i) ?? 0) + 1);
    expect(uses.size).toBe(300);
    const counts = [...uses.values()];
    expect(Math.min(...counts)).toBe(2);
    expect(counts.filter((c) => c === 3).length).toBe(50);
  });
});
