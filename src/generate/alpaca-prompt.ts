import type { Candidate } from "./candidate.js";

export interface PromptTask {
  instruction: string;
  input: string;
  output: string;
}

/**
 * The instructions above the numbered list. Our own wording of the published prompt's rules
 * (diverse verbs and task types, doable by a text model, 1-2 sentences, a realistic input or
 * `<noinput>`, a short output); `recipe.prompt_file` replaces it.
 */
export function alpacaPreamble(tasks: number): string {
  return [
    `You are asked to come up with a set of ${tasks} diverse task instructions. They will be given to a language model, and we will judge how well it completes them.`,
    "",
    "Requirements:",
    "1. Vary the verbs: do not repeat the same verb from one instruction to the next.",
    "2. Vary the language: mix questions with imperative instructions.",
    "3. Vary the kind of task: open-ended generation, classification, editing, rewriting, reasoning, and so on.",
    "4. A text-only language model must be able to do the task: no visual or audio output, no actions in the world such as setting reminders.",
    "5. Write the instructions in English, each one or two sentences long.",
    "6. Give an input where the task needs one: a specific, realistic example with substantial content, not a placeholder, ideally under 100 words.",
    '7. Where the task needs no input (a general question, say), write "<noinput>" as the input.',
    "8. The output is a fitting answer to the instruction and input, under 100 words.",
    "",
    `List of ${tasks} tasks:`,
    "",
  ].join("\n");
}

/** The prompt: preamble, then each in-context task in the numbered `###` layout, then the next number. */
export function encodeAlpacaPrompt(preamble: string, tasks: PromptTask[]): string {
  let prompt = preamble.endsWith("\n") ? preamble : `${preamble}\n`;
  tasks.forEach((task, i) => {
    const n = i + 1;
    const instruction = task.instruction.replace(/\s+/g, " ").trim().replace(/:+$/, "");
    const input = task.input.trim() === "" ? "<noinput>" : task.input;
    prompt += `###\n${n}. Instruction: ${instruction}\n${n}. Input:\n${input}\n${n}. Output:\n${task.output}\n`;
  });
  prompt += `###\n${tasks.length + 1}. Instruction:`;
  return prompt;
}

export function alpacaStop(tasksPerRequest: number): string[] {
  return [`\n${tasksPerRequest}`, `${tasksPerRequest}.`, `${tasksPerRequest}.`];
}

/**
 * The numbered tasks of an answer. The answer continues the prompt, so the first task's
 * `N. Instruction:` is put back in front; tasks are cut at `###`. When the answer stopped at
 * the token limit, the last task is likely cut short and is dropped as `truncated`.
 */
export function parseAlpacaAnswer(
  text: string,
  promptTasks: number,
  finishReason: string,
): Candidate[] {
  const pieces = `${promptTasks + 1}. Instruction:${text}`.split("###");
  return pieces.flatMap((piece, i): Candidate[] => {
    // the stop sequence usually cuts right after a `###`: nothing follows it
    if (piece.trim() === "") return [];
    if (i === pieces.length - 1 && finishReason === "length") {
      return [{ rejected: "truncated", text: piece.trim() }];
    }
    const n = promptTasks + 1 + i;
    const parts = piece.split(new RegExp(`${n}\\.\\s+(Instruction|Input|Output):`));
    if (parts.length !== 7 || parts[1] !== "Instruction" || parts[3] !== "Input") {
      return [{ rejected: "unparsable", text: piece.trim() }];
    }
    const input = (parts[4] ?? "").trim();
    return [
      {
        instruction: (parts[2] ?? "").trim(),
        input: input.toLowerCase() === "<noinput>" ? "" : input,
        output: (parts[6] ?? "").trim(),
      },
    ];
  });
}
