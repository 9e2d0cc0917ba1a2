import type { PromptGenerations } from "../../compare/index.js";

const shown = 160;

/** `show`'s generations block: each prompt's latest greedy answer (and the base model's). */
export function generationsBlock(prompts: PromptGenerations[]): string[] {
  if (prompts.length === 0) return [];
  const lines = [
    "",
    `generations (latest greedy answer of ${prompts.length} prompt${prompts.length === 1 ? "" : "s"})`,
  ];
  for (const prompt of prompts) {
    const { latest, base } = prompt;
    lines.push(`  ${prompt.prompt_id}  ${tail(prompt.prompt)}`);
    if (base && base.step !== latest.step) lines.push(`    step 0 (base)  ${quoted(base.output)}`);
    lines.push(
      `    step ${latest.step}${latest.step === 0 ? " (base)" : ""}  ${quoted(latest.output)}`,
    );
  }
  return lines;
}

/** The end of a rendered prompt (where the instruction is), on one line. */
function tail(prompt: string): string {
  const flat = prompt.replace(/\s+/g, " ").trim();
  if (flat.length <= 80) return flat;
  const cut = flat.slice(-79);
  return `…${cut.slice(cut.indexOf(" ") + 1)}`; // from a word's start
}

/** An answer on one line: JSON-quoted, so newlines and trailing spaces stay visible. */
function quoted(output: string): string {
  if (output === "") return '"" (ended at once: its first token was end-of-text)';
  const text = JSON.stringify(output);
  return text.length > shown ? `${text.slice(0, shown - 2)}…"` : text;
}
