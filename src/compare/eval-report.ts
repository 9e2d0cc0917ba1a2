import type { EvalComparison } from "./eval-comparison.js";
import { renderTable } from "./terminal-table.js";

const answerWidth = 120;

function quoted(output: string): string {
  if (output === "") return '"" (ended at once)';
  const text = JSON.stringify(output);
  return text.length > answerWidth ? `${text.slice(0, answerWidth - 2)}…"` : text;
}

/** compare's eval sections: a table of checkpoints, then each prompt's answers side by side. */
export function renderEvalSections(
  evals: EvalComparison,
  labelOf: (run: string) => string,
): string[] {
  if (evals.checkpoints.length === 0) return [];
  const references = [...new Set(evals.checkpoints.flatMap((row) => Object.keys(row.win_rate)))];
  const table = renderTable(
    ["run", "step", "eval loss", "token acc", ...references.map((r) => `win vs ${r}`)],
    evals.checkpoints.map((row) => [
      labelOf(row.run),
      row.step === 0 ? "0 (base)" : String(row.step),
      row.eval_loss === null ? "-" : row.eval_loss.toFixed(4),
      row.token_accuracy === null ? "-" : `${(row.token_accuracy * 100).toFixed(1)}%`,
      ...references.map((r) =>
        row.win_rate[r] === undefined ? "-" : `${(row.win_rate[r]! * 100).toFixed(0)}%`,
      ),
    ]),
  );
  const lines: string[] = [];
  for (const prompt of evals.prompts) {
    const flat = prompt.prompt.replace(/\s+/g, " ").trim();
    lines.push(`${prompt.prompt_id}  ${flat.length > 80 ? `…${flat.slice(-79)}` : flat}`);
    for (const answer of prompt.answers)
      lines.push(`  ${labelOf(answer.run)} step ${answer.step}  ${quoted(answer.output)}`);
  }
  return [`eval (tunectl eval)\n${table}`, `eval answers by prompt\n${lines.join("\n")}`];
}
