import { describe, expect, it } from "vitest";
import type { EvalRecord, JudgeRecord } from "../../evaluate/index.js";
import { evalResultLines, evalSection } from "./eval-view.js";

function record(step: number, loss: number | null, output: string): EvalRecord {
  return {
    schema: 1,
    run: "r1",
    step,
    key: "k",
    evaluated_at: "2026-12-01T10:00:00.000Z",
    host: "local",
    runtime_s: 1,
    eval_loss: loss,
    token_accuracy: loss === null ? null : 0.25,
    eval_tokens: 10,
    eval_records: 2,
    answers: [{ prompt_id: "colour", prompt: "### Instruction:\nName a colour.\n", output }],
  };
}

const judged: JudgeRecord = {
  schema: 1,
  run: "r1",
  step: 20,
  against: { label: "base", run: "r1", step: 0 },
  judge: { base_url: "http://127.0.0.1:1/v1", model: "judge-m" },
  key: "k",
  judged_at: "2026-12-01T10:00:00.000Z",
  verdicts: [],
  wins: 2,
  losses: 1,
  ties: 1,
  win_rate: 0.625,
  usage: { requests: 8, input_tokens: 900, output_tokens: 100 },
  cost_usd: 0.0012,
};

describe("the eval views", () => {
  it("show's Eval section: a row per checkpoint with its loss, accuracy and win rate, then the answers", () => {
    const text = evalSection(
      [record(0, 3.2, "red"), record(20, 1.23456, "Blue.\n")],
      [judged],
    ).join("\n");
    expect(text).toContain("eval (tunectl eval)");
    expect(text).toMatch(/0 \(base\)\s+3\.2000\s+25\.0%/);
    expect(text).toMatch(/20\s+1\.2346\s+25\.0%\s+1\s+62\.5% \(2-1-1\)/);
    expect(text).toContain("WIN VS base");
    expect(text).toContain('step 20  "Blue.\\n"');
    expect(text).toContain("colour  ### Instruction: Name a colour.");
  });

  it("says nothing for a run never evaluated, and - for a run without an eval split", () => {
    expect(evalSection([], [])).toEqual([]);
    expect(evalSection([record(5, null, "x")], []).join("\n")).toMatch(/5\s+-\s+-\s+1/);
  });

  it("eval's own output names reused steps and the judge's tokens and cost", () => {
    const lines = evalResultLines({
      schema: 1,
      run: "r1",
      checkpoints: [{ ...record(20, 1.2, "Blue."), reused: true }],
      judge: [{ ...judged, reused: false }],
    }).join("\n");
    expect(lines).toContain("stored results reused for steps 20");
    expect(lines).toContain("judge: judge-m, 1000 tokens, $0.0012 this time");
  });
});
