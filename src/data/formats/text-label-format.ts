import type { DatasetSource } from "../../config/index.js";
import type { Conversation } from "../example.js";
import type { RecordFields } from "./record-fields.js";
import { builtinTasks, withOptions, type Phrasing } from "./task-phrasings.js";

export interface TextLabelTask {
  phrasings: Phrasing[];
  labels?: Record<string, string>;
  seed: number;
}

export function textLabelTask(config: DatasetSource["text_label"], seed: number): TextLabelTask {
  const labels = config?.labels;
  const own = config?.phrasings;
  const builtin = builtinTasks[config?.task ?? "classify"] ?? [];
  const phrasings = own ?? (labels ? withOptions(builtin) : builtin);
  return { phrasings, ...(labels ? { labels } : {}), seed };
}

/**
 * A labelled row `{text, label}` turned into an instruction record: one phrasing chosen by a
 * hash of (seed, text), so the choice is the same on every machine and for every order.
 */
export function readTextLabel(fields: RecordFields, task: TextLabelTask): Conversation | undefined {
  const text = fields.text("text", { nonEmpty: "empty text" });
  const rawLabel = fields.raw("label");
  if (!fields.object) return undefined;
  let label: string | undefined;
  if (rawLabel === undefined || rawLabel === null) fields.problem(fields.name("label"), "missing");
  else if (
    typeof rawLabel === "string" ||
    typeof rawLabel === "number" ||
    typeof rawLabel === "boolean"
  ) {
    label = String(rawLabel);
  } else
    fields.problem(fields.name("label"), `must be a string or number (got ${typeof rawLabel})`);
  if (text === undefined || label === undefined) return undefined;
  if (task.labels && !(label in task.labels)) {
    fields.problem(
      fields.name("label"),
      `label "${label}" is not in text_label.labels (${Object.keys(task.labels).join(", ")})`,
    );
    return undefined;
  }
  const phrasing = task.phrasings[choose(`${task.seed}\u0000${text}`, task.phrasings.length)];
  if (!phrasing) return undefined;
  const values: Record<string, string> = {
    text,
    label: task.labels?.[label] ?? label,
    ...(task.labels ? { options: Object.values(task.labels).join(", ") } : {}),
  };
  const fill = (template: string, part: string) =>
    template.replace(/\{([A-Za-z0-9_]+)\}/g, (whole, name: string) => {
      const value = values[name] ?? fields.object?.[name];
      if (value === undefined || value === null) {
        fields.problem(part, `template placeholder {${name}} has no field "${name}" in the record`);
        return whole;
      }
      return String(value);
    });
  const instruction = fill(phrasing.instruction, "text_label.instruction");
  const input = fill(phrasing.input, "text_label.input");
  const output = fill(phrasing.output, "text_label.output");
  if (fields.problems.length) return undefined;
  return {
    kind: "conversation",
    turns: [
      { role: "user", content: instruction, ...(input ? { input } : {}) },
      { role: "assistant", content: output },
    ],
  };
}

/** FNV-1a, 32 bit: small, stable across platforms and Node versions. */
function choose(key: string, n: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % n;
}
