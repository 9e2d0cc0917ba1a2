import type { EvalRecord, EvalResult, JudgeRecord } from "../../evaluate/index.js";
import { renderTable } from "../table.js";

const loss = (value: number | null) => (value === null ? null : value.toFixed(4));
const share = (value: number | null) => (value === null ? null : `${(value * 100).toFixed(1)}%`);

/** An answer on one line: JSON-quoted, so newlines and trailing spaces stay visible. */
export function quotedAnswer(output: string, width = 160): string {
  if (output === "") return '"" (ended at once)';
  const text = JSON.stringify(output);
  return text.length > width ? `${text.slice(0, width - 2)}…"` : text;
}

/** One table row per checkpoint; the judge's win rate against each reference in its own column. */
export function evalTable(records: EvalRecord[], judges: JudgeRecord[]): string {
  const labels = [...new Set(judges.map((judge) => judge.against.label))];
  return renderTable(
    [
      "STEP",
      "EVAL LOSS",
      "TOKEN ACC",
      "ANSWERS",
      ...labels.map((label) => `WIN VS ${label}`),
      "EVALUATED",
    ],
    records.map((record) => [
      record.step === 0 ? "0 (base)" : record.step,
      loss(record.eval_loss),
      share(record.token_accuracy),
      record.answers.length,
      ...labels.map((label) => {
        const judged = judges.find((j) => j.step === record.step && j.against.label === label);
        return judged
          ? `${share(judged.win_rate)} (${judged.wins}-${judged.ties}-${judged.losses})`
          : null;
      }),
      record.evaluated_at,
    ]),
  );
}

/** Each prompt, then each checkpoint's answer to it. */
export function answerLines(records: EvalRecord[]): string[] {
  const prompts = new Map<string, string>();
  for (const record of records) for (const a of record.answers) prompts.set(a.prompt_id, a.prompt);
  const lines: string[] = [];
  for (const [id, prompt] of prompts) {
    const flat = prompt.replace(/\s+/g, " ").trim();
    lines.push(`  ${id}  ${flat.length > 80 ? `…${flat.slice(-79)}` : flat}`);
    for (const record of records) {
      const answer = record.answers.find((a) => a.prompt_id === id);
      if (answer) lines.push(`    step ${record.step}  ${quotedAnswer(answer.output)}`);
    }
  }
  return lines;
}

/** `show`'s Eval section; [] when the run was never evaluated. */
export function evalSection(records: EvalRecord[], judges: JudgeRecord[]): string[] {
  if (records.length === 0) return [];
  return [
    "",
    "eval (tunectl eval)",
    evalTable(records, judges),
    "",
    "eval answers",
    ...answerLines(records),
  ];
}

/** What `tunectl eval` prints. */
export function evalResultLines(result: EvalResult): string[] {
  const lines = [`eval of ${result.run}`, evalTable(result.checkpoints, result.judge)];
  const reused = result.checkpoints.filter((c) => c.reused).map((c) => c.step);
  if (reused.length > 0)
    lines.push(`stored results reused for steps ${reused.join(", ")} (--force recomputes)`);
  if (result.judge.length > 0) {
    const cost = result.judge.filter((j) => !j.reused).reduce((sum, j) => sum + j.cost_usd, 0);
    const tokens = result.judge
      .filter((j) => !j.reused)
      .reduce((sum, j) => sum + j.usage.input_tokens + j.usage.output_tokens, 0);
    lines.push(
      `judge: ${result.judge[0]!.judge.model}, ${tokens} tokens, $${cost.toFixed(4)} this time`,
    );
  }
  lines.push("", "answers", ...answerLines(result.checkpoints));
  return lines;
}
