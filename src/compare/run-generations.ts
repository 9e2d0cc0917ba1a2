import { readFile } from "node:fs/promises";
import { parseGenerationLines, type GenerationLine } from "../contract/index.js";

/** One prompt's answers: before tuning (step 0, the base model) and the latest. */
export interface PromptGenerations {
  prompt_id: string;
  prompt: string;
  /** The base model's answer; null when the file has no step-0 line for this prompt. */
  base: Pick<GenerationLine, "step" | "attempt" | "output"> | null;
  latest: Pick<GenerationLine, "step" | "attempt" | "output">;
  /** How many answers the file holds for this prompt. */
  answers: number;
}

/** A run's generations.jsonl read into prompts, in order of first appearance; [] without one. */
export async function readRunGenerations(file: string): Promise<PromptGenerations[]> {
  const text = await readFile(file, "utf8").catch(() => "");
  return promptGenerations(parseGenerationLines(text).lines);
}

/**
 * Per prompt, the answer of the current weights: the newest attempt's highest step (a resumed
 * attempt redoes steps; what it wrote replaces the earlier attempt's), the later line on a tie.
 */
export function promptGenerations(lines: GenerationLine[]): PromptGenerations[] {
  const byPrompt = new Map<string, PromptGenerations>();
  for (const line of lines) {
    const answer = { step: line.step, attempt: line.attempt, output: line.output };
    const known = byPrompt.get(line.prompt_id);
    if (!known) {
      byPrompt.set(line.prompt_id, {
        prompt_id: line.prompt_id,
        prompt: line.prompt,
        base: line.step === 0 ? answer : null,
        latest: answer,
        answers: 1,
      });
      continue;
    }
    known.answers += 1;
    if (line.step === 0 && known.base === null) known.base = answer;
    const newer =
      line.attempt > known.latest.attempt ||
      (line.attempt === known.latest.attempt && line.step >= known.latest.step);
    if (newer) {
      known.latest = answer;
      known.prompt = line.prompt;
    }
  }
  return [...byPrompt.values()];
}
