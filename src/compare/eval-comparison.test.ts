import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { compareEvals } from "./eval-comparison.js";
import { renderEvalSections } from "./eval-report.js";

function writeRecord(dir: string, run: string, step: number, loss: number, output: string): void {
  mkdirSync(path.join(dir, "evals"), { recursive: true });
  const record = {
    schema: 1,
    run,
    step,
    key: "k",
    evaluated_at: "2026-12-01T10:00:00.000Z",
    host: "local",
    runtime_s: 1,
    eval_loss: loss,
    token_accuracy: 0.5,
    eval_tokens: 10,
    eval_records: 2,
    answers: [{ prompt_id: "colour", prompt: "Name a colour.", output }],
  };
  writeFileSync(path.join(dir, "evals", `step-${step}.json`), JSON.stringify(record));
}

describe("compare's eval sections", () => {
  it("lines up each prompt's answers by run and checkpoint, with each checkpoint's numbers", async () => {
    const root = mkdtempSync(path.join(tmpdir(), "tunectl-compare-evals-"));
    const a = path.join(root, "a");
    const b = path.join(root, "b");
    writeRecord(a, "run-a", 10, 2.5, "red");
    writeRecord(a, "run-a", 20, 1.5, "blue");
    writeRecord(b, "run-b", 20, 1.75, "green");
    mkdirSync(b, { recursive: true });
    const evals = await compareEvals([
      { id: "run-a", dir: a },
      { id: "run-b", dir: b },
      { id: "run-c", dir: path.join(root, "never-evaluated") },
    ]);
    expect(evals.checkpoints.map((row) => [row.run, row.step, row.eval_loss])).toEqual([
      ["run-a", 10, 2.5],
      ["run-a", 20, 1.5],
      ["run-b", 20, 1.75],
    ]);
    expect(evals.prompts).toEqual([
      {
        prompt_id: "colour",
        prompt: "Name a colour.",
        answers: [
          { run: "run-a", step: 10, output: "red" },
          { run: "run-a", step: 20, output: "blue" },
          { run: "run-b", step: 20, output: "green" },
        ],
      },
    ]);
    const text = renderEvalSections(evals, (run) => run.toUpperCase()).join("\n");
    expect(text).toMatch(/RUN-B\s+20\s+1\.7500\s+50\.0%/);
    expect(text).toContain('RUN-A step 20  "blue"');
    expect(text).toContain('RUN-B step 20  "green"');
  });

  it("adds nothing when no run was evaluated", () => {
    expect(renderEvalSections({ checkpoints: [], prompts: [] }, (r) => r)).toEqual([]);
  });
});
