import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { addRun, tempRegistry, tinyConfig, trainLines } from "../../test/compare/fixture-runs.js";
import type { RunRegistry } from "../runs/index.js";
import { compareRuns } from "./compare-runs.js";

let registry: RunRegistry;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  ({ registry, cleanup } = await tempRegistry());
});
afterEach(() => cleanup());

describe("config diff", () => {
  it("shows exactly the key that differs plus the identity fields", async () => {
    const a = await addRun(registry, { config: tinyConfig(), lines: trainLines(1, 5) });
    const b = await addRun(registry, {
      config: tinyConfig({ learning_rate: 1e-4 }),
      lines: trainLines(1, 5),
    });
    const report = await compareRuns(registry, [a.id, b.id]);
    expect(report.diff.keys.map((row) => row.key)).toEqual([
      "name",
      "model",
      "image",
      "dataset.fingerprint",
      "train.learning_rate",
    ]);
    expect(report.diff.keys.at(-1)!.values).toEqual([2e-4, 1e-4]);
    expect(report.diff.keys[0]!.values).toEqual(["tiny", "tiny"]);
    expect(report.runs.map((run) => run.id)).toEqual([a.id, b.id]);
  });

  it("--all lists every flattened key, arrays by index", async () => {
    const a = await addRun(registry, { config: tinyConfig(), lines: [] });
    const b = await addRun(registry, { config: tinyConfig(), lines: [] });
    const report = await compareRuns(registry, [a.id, b.id], { all: true });
    const keys = report.diff.keys.map((row) => row.key);
    expect(keys).toContain("lora.target_modules.1");
    expect(keys).toContain("data.train.0.format");
    expect(report.diff.keys.find((row) => row.key === "lora.r")!.values).toEqual([8, 8]);
    const without = await compareRuns(registry, [a.id, b.id]);
    expect(without.diff.keys).toHaveLength(4);
  });

  it("a key only one run has shows null for the other; a new dataset shows its fingerprint", async () => {
    const base = tinyConfig();
    const longer = {
      ...base,
      data: { ...base.data, train: [...base.data.train, { path: "b.json", format: "sharegpt" }] },
    };
    const a = await addRun(registry, { config: base, lines: [] });
    const b = await addRun(registry, { config: longer, lines: [], fingerprint: "sha256:bbbb" });
    const report = await compareRuns(registry, [a.id, b.id]);
    const row = (key: string) => report.diff.keys.find((r) => r.key === key)?.values;
    expect(row("data.train.1.path")).toEqual([null, "b.json"]);
    expect(row("dataset.fingerprint")).toEqual(["sha256:aaaa", "sha256:bbbb"]);
  });

  it("names runs by name, last~N and prefix; unknown and ambiguous refs are user errors", async () => {
    const a = await addRun(registry, { name: "alpha", config: tinyConfig(), lines: [] });
    const b = await addRun(registry, { name: "beta", config: tinyConfig(), lines: [] });
    const report = await compareRuns(registry, ["alpha", "last"]);
    expect(report.runs.map((run) => run.id)).toEqual([a.id, b.id]);
    await expect(compareRuns(registry, ["alpha", "nope"])).rejects.toMatchObject({
      kind: "user",
      code: "run.not_found",
    });
    await addRun(registry, { name: "alpha", config: tinyConfig(), lines: [] });
    await expect(compareRuns(registry, ["al", "beta"])).rejects.toMatchObject({
      kind: "user",
      code: "run.ambiguous",
    });
    await expect(compareRuns(registry, [b.id, "beta"])).rejects.toMatchObject({
      code: "compare.too_few_runs",
    });
  });
});
