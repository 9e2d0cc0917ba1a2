import { readFile } from "node:fs/promises";
import { displayPath } from "../config/index.js";
import { UserError, type Problem } from "../errors/index.js";
import type { LoadedSpec } from "./load-spec.js";

/** A seed task as the recipes use it: Self-Instruct's first instance, or a plain record. */
export interface SeedTask {
  id: string;
  instruction: string;
  input: string;
  output: string;
}

/**
 * Seeds as JSONL, one task a line, in either form: Self-Instruct's
 * `{id, name, instruction, instances: [{input, output}], is_classification}` or
 * `{instruction, input?, output}` (its id is then `line-N`). Every bad line is reported.
 */
export async function readSeedTasks(loaded: LoadedSpec, cwd: string): Promise<SeedTask[]> {
  const shown = displayPath(loaded.seedsFile, cwd);
  let text: string;
  try {
    text = await readFile(loaded.seedsFile, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw badSeeds(loaded.shown, [
      {
        position: loaded.seedsAt,
        path: "seeds",
        message: `${shown}: ${code === "ENOENT" ? "file not found" : `cannot read (${code})`}`,
        hint: "seeds is relative to the spec file",
      },
    ]);
  }
  const tasks: SeedTask[] = [];
  const problems: Problem[] = [];
  const ids = new Map<string, number>();
  text.split("\n").forEach((raw, index) => {
    const line = index + 1;
    if (raw.trim() === "") return;
    const at = { file: shown, line };
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (error) {
      problems.push({ position: at, message: `invalid JSON: ${(error as Error).message}` });
      return;
    }
    const task = seedTask(value, line);
    if (typeof task === "string") {
      problems.push({ position: at, message: task });
      return;
    }
    const first = ids.get(task.id);
    if (first !== undefined) {
      problems.push({ position: at, path: "id", message: `${task.id} is also line ${first}` });
      return;
    }
    ids.set(task.id, line);
    tasks.push(task);
  });
  if (problems.length) throw badSeeds(shown, problems);
  const needed = loaded.spec.recipe.prompt_seed_tasks;
  if (tasks.length < needed) {
    throw badSeeds(shown, [
      {
        position: loaded.seedsAt,
        path: "seeds",
        message: `${tasks.length} seed task${tasks.length === 1 ? "" : "s"}; each prompt shows ${needed}`,
        hint: "add seeds, or lower recipe.prompt_seed_tasks",
      },
    ]);
  }
  return tasks;
}

function seedTask(value: unknown, line: number): SeedTask | string {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return "a seed task must be a JSON object";
  }
  const record = value as Record<string, unknown>;
  const instruction = record.instruction;
  if (typeof instruction !== "string" || instruction.trim() === "") {
    return "instruction: missing or empty (expected a non-empty string)";
  }
  if (record.instances !== undefined) {
    const instances = record.instances;
    if (!Array.isArray(instances) || instances.length === 0) {
      return "instances: expected a non-empty list of {input, output}";
    }
    const first = instances[0] as Record<string, unknown> | null;
    if (typeof first !== "object" || first === null) return "instances.0: expected {input, output}";
    if (typeof first.output !== "string") return "instances.0.output: expected a string";
    if (first.input !== undefined && typeof first.input !== "string") {
      return "instances.0.input: expected a string";
    }
    if (record.id !== undefined && typeof record.id !== "string") return "id: expected a string";
    return {
      id: typeof record.id === "string" ? record.id : `line-${line}`,
      instruction,
      input: typeof first.input === "string" ? first.input : "",
      output: first.output,
    };
  }
  if (typeof record.output !== "string") return "output: missing (expected a string, or instances)";
  if (record.input !== undefined && record.input !== null && typeof record.input !== "string") {
    return "input: expected a string";
  }
  return {
    id: typeof record.id === "string" ? record.id : `line-${line}`,
    instruction,
    input: typeof record.input === "string" ? record.input : "",
    output: record.output,
  };
}

function badSeeds(shown: string, problems: Problem[]): UserError {
  return new UserError(`${shown}: the seed tasks cannot be used`, {
    code: "generate.invalid_seeds",
    problems,
    hint: "docs/generate.md shows both seed formats",
  });
}
