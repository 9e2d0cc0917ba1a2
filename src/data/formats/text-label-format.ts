import type { DatasetSource } from "../../config/index.js";
import type { RecordFields } from "./record-fields.js";
import { builtinTasks, type Phrasing } from "./task-phrasings.js";

/** A text-label source's settings with every default decided. */
export interface TextLabelTask {
  templates: Phrasing[];
  labels?: Record<string, string>;
  options: { style: "flan" | "inline" | "none"; prefix: string; marker: string };
  fewShot?: { k: number; separator: string };
  /** Shares of records with exemplars and with the options block. */
  shares: { fewShot: number; options: number };
  seed: number;
}

export function textLabelTask(config: DatasetSource["text_label"], seed: number): TextLabelTask {
  const labels = config?.labels;
  const builtin = builtinTasks[config?.task ?? "classify"] ?? [];
  const templates =
    config?.phrasings?.map((p, index) => ({ ...p, id: p.id ?? `own/${index}` })) ??
    (config?.inverted === false ? builtin.filter((t) => !t.inverted) : builtin);
  const options = config?.options ?? {
    style: labels ? ("flan" as const) : ("none" as const),
    prefix: "OPTIONS:",
    marker: "- ",
  };
  const fewShot = config?.few_shot;
  const mix = config?.mix ?? {};
  const fewShare = mix.few_shot ?? (mix.zero_shot !== undefined ? 1 - mix.zero_shot : 1);
  return {
    templates,
    ...(labels ? { labels } : {}),
    options,
    ...(fewShot ? { fewShot } : {}),
    shares: { fewShot: fewShot ? fewShare : 0, options: mix.options ?? 1 },
    seed,
  };
}

/** One labelled row as read: its text, the label words, and the row for other placeholders. */
export interface LabelledRow {
  text: string;
  label: string;
  row: Record<string, unknown>;
}

/** A row `{text, label}` checked: text not blank, a scalar label, one of `labels` when given. */
export function readLabelledRow(
  fields: RecordFields,
  task: TextLabelTask,
): LabelledRow | undefined {
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
  return { text, label: task.labels?.[label] ?? label, row: fields.object };
}
