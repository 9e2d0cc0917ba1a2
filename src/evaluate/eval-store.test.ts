import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { EvalRecord } from "./eval-record.js";
import {
  evalRecordPath,
  readEvalRecord,
  readEvalRecords,
  readJudgeRecords,
  writeEvalRecord,
  writeJudgeRecord,
} from "./eval-store.js";
import type { JudgeRecord } from "./judge-record.js";

function evalRecord(step: number, overrides: Partial<EvalRecord> = {}): EvalRecord {
  return {
    schema: 1,
    run: "r1",
    step,
    key: `key-${step}`,
    evaluated_at: "2026-12-01T10:00:00.000Z",
    host: "local",
    runtime_s: 1.5,
    eval_loss: 2 - step / 100,
    token_accuracy: step / 100,
    eval_tokens: 40,
    eval_records: 3,
    answers: [{ prompt_id: "p1", prompt: "Q?", output: `answer at ${step}` }],
    ...overrides,
  };
}

describe("the eval store", () => {
  it("writes each step's record in evals/ and reads them back in step order", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "tunectl-evals-"));
    for (const step of [20, 0, 10]) await writeEvalRecord(dir, evalRecord(step));
    expect(readdirSync(path.join(dir, "evals")).sort()).toEqual([
      "step-0.json",
      "step-10.json",
      "step-20.json",
    ]);
    expect((await readEvalRecords(dir)).map((r) => r.step)).toEqual([0, 10, 20]);
    expect(await readEvalRecord(dir, 10)).toEqual(evalRecord(10));
  });

  it("takes a torn or foreign record as absent (it is recomputed), and refuses to write a bad one", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "tunectl-evals-"));
    await writeEvalRecord(dir, evalRecord(5));
    writeFileSync(evalRecordPath(dir, 5), '{"schema": 1, "run": "r1", "st');
    expect(await readEvalRecord(dir, 5)).toBeNull();
    expect(await readEvalRecords(dir)).toEqual([]);
    await expect(writeEvalRecord(dir, evalRecord(6, { token_accuracy: 1.5 }))).rejects.toThrow();
  });

  it("keeps judge records beside the eval records, one per step and reference", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "tunectl-evals-"));
    const judged = (step: number, label: string): JudgeRecord => ({
      schema: 1,
      run: "r1",
      step,
      against: { label, run: label === "base" ? "r1" : "r2", step: label === "base" ? 0 : 30 },
      judge: { base_url: "http://127.0.0.1:1/v1", model: "m" },
      key: "k",
      judged_at: "2026-12-01T10:00:00.000Z",
      verdicts: [],
      wins: 1,
      losses: 0,
      ties: 0,
      win_rate: 1,
      usage: { requests: 2, input_tokens: 10, output_tokens: 2 },
      cost_usd: 0,
    });
    await writeJudgeRecord(dir, judged(10, "r2@30"));
    await writeJudgeRecord(dir, judged(10, "base"));
    await writeEvalRecord(dir, evalRecord(10));
    expect((await readJudgeRecords(dir)).map((r) => r.against.label)).toEqual(["base", "r2@30"]);
    expect((await readEvalRecords(dir)).map((r) => r.step)).toEqual([10]);
  });
});
