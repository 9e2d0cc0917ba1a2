import { readFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  addRun,
  evalLine,
  tempRegistry,
  tinyConfig,
  trainLines,
} from "../../../test/compare/fixture-runs.js";
import { main } from "../main.js";

let dir: string;
let cleanup: () => Promise<void>;
let ids: string[];

beforeEach(async () => {
  const temp = await tempRegistry();
  ({ dir, cleanup } = temp);
  const lines = [...trainLines(1, 20), evalLine(10, 1.5), evalLine(20, 1.4)];
  const a = await addRun(temp.registry, { name: "base", config: tinyConfig(), lines });
  const b = await addRun(temp.registry, {
    name: "low-lr",
    config: tinyConfig({ learning_rate: 1e-4 }),
    lines,
  });
  ids = [a.id, b.id];
});
afterEach(() => cleanup());

/** Run tunectl as a user would, capturing stdout. */
async function tunectl(...args: string[]): Promise<{ code: number; stdout: string }> {
  let stdout = "";
  const out = vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
  try {
    const code = await main(["--workspace", dir, ...args]);
    return { code, stdout };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

describe("tunectl compare", () => {
  it("--json prints the documented report", async () => {
    const { code, stdout } = await tunectl("compare", "base", "low-lr", "--json");
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.schema).toBe(1);
    expect(report.runs.map((run: { id: string }) => run.id)).toEqual(ids);
    expect(report.diff.keys.map((row: { key: string }) => row.key)).toContain(
      "train.learning_rate",
    );
    expect(Object.keys(report.series)).toEqual(["loss", "eval_loss", "lr"]);
    expect(report.summaries[1].best_eval_loss).toBe(1.4);
  });

  it("prints tables, and the chart off a terminal only with --chart", async () => {
    const plain = await tunectl("compare", ids[0]!, ids[1]!);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toMatch(/^train\.learning_rate +0\.0002 +0\.0001$/m);
    expect(plain.stdout).not.toContain("│");
    const charted = await tunectl("compare", "last~1", "last", "--chart", "--align", "tokens");
    expect(charted.stdout).toContain("train loss by tokens");
    expect(charted.stdout).toContain("│");
  });

  it("--html writes a self-contained report", async () => {
    const file = path.join(dir, "report.html");
    const { code } = await tunectl("compare", "base", "low-lr", "--html", file);
    expect(code).toBe(0);
    const html = await readFile(file, "utf8");
    expect(html.match(/<path [^>]*data-run=/g)).toHaveLength(6);
  });

  it("exits 2 for an unknown run, an unknown metric or a bad --align", async () => {
    expect((await tunectl("compare", "base", "nope")).code).toBe(2);
    expect((await tunectl("compare", "base", "low-lr", "--metric", "nope")).code).toBe(2);
    expect((await tunectl("compare", "base", "low-lr", "--align", "time")).code).toBe(2);
    expect((await tunectl("compare", "base")).code).toBe(2);
  });
});
