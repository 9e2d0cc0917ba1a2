import type { Candidate } from "./candidate.js";

/** Self-Instruct's bootstrap prompt: a numbered list of instructions, left open at the next number. */
export function encodeSelfInstructPrompt(instructions: string[]): string {
  let prompt = "Come up with a series of tasks:\n";
  instructions.forEach((instruction, i) => {
    prompt += `${i + 1}. ${instruction.replace(/\s+/g, " ").trim().replace(/:+$/, "")}\n`;
  });
  return `${prompt}${instructions.length + 1}.`;
}

/**
 * The instructions of a bootstrap answer, split at `\nN. `. As published, an answer that hit
 * the token limit is dropped whole. The first letter is made upper case; unlike Python's
 * `str.capitalize` the rest is left as written (names and code keep their case).
 */
export function parseSelfInstructAnswer(text: string, finishReason: string): Candidate[] {
  const pieces = text.split(/\n\d+\s?\. /);
  if (finishReason === "length") {
    return pieces.map((piece) => ({ rejected: "truncated", text: piece.trim() }));
  }
  return pieces.flatMap((piece): Candidate[] => {
    const flat = piece.replace(/\s+/g, " ").trim();
    if (flat === "") return [];
    return [{ instruction: flat[0]!.toUpperCase() + flat.slice(1), input: "", output: "" }];
  });
}

/**
 * The second stage: input-first instance generation. A short few-shot prompt of our own in
 * the published layout (`Task:`, `Example N`, `Output:`), then the instruction.
 */
export function encodeInstancePrompt(instruction: string): string {
  return [
    "Come up with examples for the following tasks. Try to generate multiple examples when possible. If the task doesn't require additional input, you can generate the output directly.",
    "",
    "Task: Name three primary colours.",
    "Output: Red, yellow and blue.",
    "",
    "Task: Sort the given list of numbers in ascending order.",
    "Example 1",
    "List: [7, 3, 9, 1]",
    "Output: [1, 3, 7, 9]",
    "Example 2",
    "List: [10, -2, 4]",
    "Output: [-2, 4, 10]",
    "",
    "Task: Rewrite the sentence in the passive voice.",
    "Example 1",
    "Sentence: The committee approved the new budget.",
    "Output: The new budget was approved by the committee.",
    "",
    `Task: ${instruction.trim()}`,
    "",
  ].join("\n");
}

/** The first instance of an instance answer: its input (before `Output:`) and output. */
export function parseInstanceAnswer(
  text: string,
  finishReason: string,
): { input: string; output: string } | undefined {
  if (finishReason === "length") return undefined;
  const body = text.split(/\nTask:/)[0] ?? "";
  const examples = body.split(/(?:^|\n)Example \d+\s*\n?/).filter((s) => s.trim() !== "");
  for (const example of examples) {
    const at = example.indexOf("Output:");
    if (at < 0) continue;
    const input = example
      .slice(0, at)
      .replace(/^\s*Input( \d+)?\s*(-|:)?\s*/i, "")
      .trim();
    const output = example.slice(at + "Output:".length).trim();
    if (output !== "") return { input, output };
  }
  return undefined;
}
