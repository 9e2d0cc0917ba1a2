import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { addRun, tempRegistry, tinyConfig, trainLines } from "../../test/compare/fixture-runs.js";
import type { RunRegistry } from "../runs/index.js";
import { compareRuns } from "./compare-runs.js";
import { renderComparison } from "./terminal-report.js";

let registry: RunRegistry;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  ({ registry, cleanup } = await tempRegistry());
});
afterEach(() => cleanup());

async function report() {
  const a = await addRun(registry, {
    name: "base",
    config: tinyConfig(),
    lines: trainLines(1, 40, { loss: (s) => 1 + 3 / s }),
  });
  const b = await addRun(registry, {
    name: "low-lr",
    config: tinyConfig({ learning_rate: 1e-4 }),
    lines: trainLines(1, 25, { loss: (s) => 2 + 3 / s }),
  });
  return compareRuns(registry, [a.id, b.id]);
}

describe("terminal rendering", () => {
  it("aligns the diff table: every value of a column starts at the same offset", async () => {
    const text = renderComparison(await report(), { chart: false, color: false });
    const table = text.split("\n\n")[0]!.split("\n").slice(1);
    const header = table[0]!;
    const column = header.indexOf("low-lr");
    expect(column).toBeGreaterThan(0);
    for (const line of table.slice(2)) expect(line[column - 1]).toBe(" ");
    expect(table.find((line) => line.startsWith("train.learning_rate"))).toMatch(
      /0\.0002 +0\.0001$/,
    );
    expect(text).not.toContain("│");
  });

  it("charts one symbol per run, coloured only when asked", async () => {
    const r = await report();
    const plain = renderComparison(r, { chart: true, color: false, width: 80 });
    const chart = plain.split("\n\n").at(-1)!;
    expect(chart).toMatch(/^train loss by step \(EMA 0\.6\)/);
    const body = chart.split("\n").filter((line) => line.includes("│"));
    expect(body.join("").includes("*")).toBe(true);
    expect(body.join("").includes("+")).toBe(true);
    expect(chart).toContain("* base");
    expect(chart).toContain("+ low-lr");
    expect(plain).not.toContain("\x1b[");
    for (const line of chart.split("\n")) expect([...line].length).toBeLessThanOrEqual(80);
    const colored = renderComparison(r, { chart: true, color: true, width: 80 });
    expect(colored).toContain("\x1b[36m*\x1b[0m");
  });

  it("strips control characters from config values", async () => {
    const a = await addRun(registry, {
      config: tinyConfig({ description: "a\x1b[2Jb" }),
      lines: [],
    });
    const b = await addRun(registry, { config: tinyConfig(), lines: [] });
    const text = renderComparison(await compareRuns(registry, [a.id, b.id]), {
      chart: false,
      color: false,
    });
    expect(text).not.toContain("\x1b");
    expect(text).toContain("a [2Jb");
  });
});
