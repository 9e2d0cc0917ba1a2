import { readFile } from "node:fs/promises";
import { displayPath } from "../config/index.js";
import { UserError, type Problem } from "../errors/index.js";
import type { CheckedSpec } from "./load-spec.js";

/** A seed task as the recipes use it: Self-Instruct's first instance, or a plain record. */
export interface SeedTask {
  id: string;
  instruction: string;
  input: string;
  output: string;
}

/**
 * Seeds as JSONL, one task a line, or an Alpaca JSON array, in either form: Self-Instruct's
 * `{id, name, instruction, instances: [{input, output}], is_classification}` or
 * `{instruction, input?, output}` (its id is then `line-N`). `answer` and `evol` need no
 * output (it is then ""). Every bad line is reported.
 */
export async function readSeedTasks(loaded: CheckedSpec, cwd: string): Promise<SeedTask[]> {
  const shown = displayPath(loaded.seedsFile, cwd);
  let text: string;
  try {
    text = await readFile(loaded.seedsFile, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw badSeeds(loaded.shown, [
      {
        position: loaded.seedsAt,
        path: loaded.prefix ? `${loaded.prefix}.seeds` : "seeds",
        message: `${shown}: ${code === "ENOENT" ? "file not found" : `cannot read (${code})`}`,
        hint: "seeds is relative to the spec file",
      },
    ]);
  }
  const tasks: SeedTask[] = [];
  const problems: Problem[] = [];
  const ids = new Map<string, number>();
  const outputNeeded = loaded.spec.mode === "alpaca" || loaded.spec.mode === "self-instruct";
  for (const item of jsonItems(text)) {
    const { line } = item;
    const at = { file: shown, line };
    // a JSON array is often one line: the record's index says which
    const where = item.name.startsWith("record-") ? `${item.name}: ` : "";
    if ("error" in item) {
      problems.push({ position: at, message: `invalid JSON: ${item.error}` });
      continue;
    }
    const task = seedTask(item.value, item.name, outputNeeded);
    if (typeof task === "string") {
      problems.push({ position: at, message: `${where}${task}` });
      continue;
    }
    const first = ids.get(task.id);
    if (first !== undefined) {
      problems.push({ position: at, path: "id", message: `${task.id} is also line ${first}` });
      continue;
    }
    ids.set(task.id, line);
    tasks.push(task);
  }
  if (problems.length) throw badSeeds(shown, problems);
  const { spec } = loaded;
  const needed =
    spec.mode === "alpaca" || spec.mode === "self-instruct" ? spec.recipe.prompt_seed_tasks : 1;
  if (tasks.length < needed) {
    throw badSeeds(shown, [
      {
        position: loaded.seedsAt,
        path: loaded.prefix ? `${loaded.prefix}.seeds` : "seeds",
        message: `${tasks.length} seed task${tasks.length === 1 ? "" : "s"}; each prompt shows ${needed}`,
        hint: "add seeds, or lower recipe.prompt_seed_tasks",
      },
    ]);
  }
  return tasks;
}

/** One record: the line it starts on, and the id it gets without one (`line-N`, `record-I`). */
type JsonItem = { line: number; name: string } & ({ value: unknown } | { error: string });

/** The records of a JSON array (each with the line it starts on) or of JSONL lines. */
export function jsonItems(text: string): JsonItem[] {
  if (!text.trimStart().startsWith("[")) {
    return text.split("\n").flatMap((raw, index): JsonItem[] => {
      if (raw.trim() === "") return [];
      try {
        return [{ line: index + 1, name: `line-${index + 1}`, value: JSON.parse(raw) as unknown }];
      } catch (error) {
        return [{ line: index + 1, name: `line-${index + 1}`, error: (error as Error).message }];
      }
    });
  }
  let values: unknown[];
  try {
    values = JSON.parse(text) as unknown[];
  } catch (error) {
    const message = (error as Error).message;
    const at = /position (\d+)/.exec(message);
    const line = at ? text.slice(0, Number(at[1])).split("\n").length : 1;
    return [{ line, name: "record-0", error: message }];
  }
  const lines = elementLines(text);
  return values.map((value, i) => ({ line: lines[i] ?? 1, name: `record-${i}`, value }));
}

/** The line each element of a top-level JSON array starts on (the text is known to parse). */
function elementLines(text: string): number[] {
  const starts: number[] = [];
  let line = 1;
  let depth = 0;
  let inString = false;
  let expectValue = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === "\n") line++;
    if (inString) {
      if (ch === "\\") i++;
      else if (ch === '"') inString = false;
      continue;
    }
    if (/\s/.test(ch)) continue;
    if (depth === 1 && expectValue && ch !== "]") {
      starts.push(line);
      expectValue = false;
    }
    if (ch === '"') inString = true;
    else if (ch === "[" || ch === "{") {
      depth++;
      if (depth === 1) expectValue = true;
    } else if (ch === "]" || ch === "}") depth--;
    else if (ch === "," && depth === 1) expectValue = true;
  }
  return starts;
}

function seedTask(value: unknown, name: string, outputNeeded: boolean): SeedTask | string {
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
      id: typeof record.id === "string" ? record.id : name,
      instruction,
      input: typeof first.input === "string" ? first.input : "",
      output: first.output,
    };
  }
  const output = record.output ?? (outputNeeded ? undefined : "");
  if (typeof output !== "string") return "output: missing (expected a string, or instances)";
  if (record.input !== undefined && record.input !== null && typeof record.input !== "string") {
    return "input: expected a string";
  }
  return {
    id: typeof record.id === "string" ? record.id : name,
    instruction,
    input: typeof record.input === "string" ? record.input : "",
    output,
  };
}

function badSeeds(shown: string, problems: Problem[]): UserError {
  return new UserError(`${shown}: the seed tasks cannot be used`, {
    code: "generate.invalid_seeds",
    problems,
    hint: "docs/generate.md shows both seed formats",
  });
}
