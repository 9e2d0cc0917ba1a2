import { pick } from "./chat-endpoint.js";
import type { OutputRecord, Recipe, Stage } from "./recipe-stages.js";
import type { JournalEntry } from "./request-journal.js";
import { RejectionCounts } from "./rejection-counts.js";
import type { SeedTask } from "./seed-tasks.js";
import type { AnswerSpec } from "./spec-schema.js";

export interface AnswerProvenance {
  mode: "answer" | "evol";
  /** The request that wrote the output; absent for a record kept as it was. */
  request?: string;
  request_id?: string;
  /** Where the instruction is in the instructions file (0-based), and its id. */
  source_index: number;
  source_id: string;
  model: string;
  /** overwrite_existing: false and the record had an output: copied, nothing sent. */
  kept_existing?: true;
}

/**
 * The request for an answer: the instruction as a user would ask it, its input (if any) after
 * a blank line. GPT-4-LLM sent Alpaca's instructions to GPT-4 the same way, one per request.
 */
export function encodeAnswerPrompt(instruction: string, input: string): string {
  return input.trim() === "" ? instruction.trim() : `${instruction.trim()}\n\n${input.trim()}`;
}

/** Why an answer cannot be the output, or undefined when it can. */
export function unusableAnswer(entry: JournalEntry): "truncated" | "empty" | undefined {
  if (entry.finish_reason === "length") return "truncated";
  return entry.content.trim() === "" ? "empty" : undefined;
}

/** `answer` mode: one request per record still to answer, in file order; the rest as they are. */
export function answerRecipe(spec: AnswerSpec, sources: SeedTask[]): Recipe {
  const counts = new RejectionCounts();
  const taken = sources.slice(0, spec.max_records ?? sources.length);
  const slots: Array<OutputRecord | undefined> = taken.map(() => undefined);
  const todo: number[] = [];
  taken.forEach((task, i) => {
    if (spec.overwrite_existing || task.output.trim() === "") return todo.push(i);
    slots[i] = {
      instruction: task.instruction,
      input: task.input,
      output: task.output,
      provenance: {
        mode: "answer",
        source_index: i,
        source_id: task.id,
        model: spec.endpoint.model,
        kept_existing: true,
      },
    };
  });
  let applied = 0;
  const stage: Stage = {
    name: "answers",
    wants: (_inFlight, next) => next < todo.length,
    plan(index) {
      const source = todo[index]!;
      const task = taken[source]!;
      return {
        prompt: encodeAnswerPrompt(task.instruction, task.input),
        sampling: pick(spec.recipe),
        seed_ids: [task.id],
        machine_indices: [source],
      };
    },
    apply(entry) {
      applied += 1;
      const source = entry.machine_indices[0]!;
      const task = taken[source]!;
      const unusable = unusableAnswer(entry);
      if (unusable) return counts.reject(unusable);
      slots[source] = {
        instruction: task.instruction,
        input: task.input,
        output: entry.content.trim(),
        provenance: {
          mode: "answer",
          request: entry.id,
          ...(entry.request_id ? { request_id: entry.request_id } : {}),
          source_index: source,
          source_id: task.id,
          model: spec.endpoint.model,
        },
      };
    },
  };
  const records = () => slots.filter((slot): slot is OutputRecord => slot !== undefined);
  return {
    counts,
    target: taken.length,
    done: () => records().length,
    stages: () => [stage],
    records,
    complete: () => applied === todo.length,
  };
}
