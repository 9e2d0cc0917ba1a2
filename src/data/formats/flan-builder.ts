import type { Conversation, RecordMeta } from "../example.js";
import { recordHash, recordUnit, seededRandom } from "./record-hash.js";
import type { Phrasing } from "./task-phrasings.js";
import type { LabelledRow, TextLabelTask } from "./text-label-format.js";

export type BuiltRecord =
  | { example: Conversation; problem?: undefined }
  | { example?: undefined; problem: { field: string; message: string } };

/** Whether a record, rendered, fits data.max_seq_len (in the model's tokens). */
export type FitsCheck = (example: Conversation) => boolean;

interface Prompt {
  instruction: string;
  input: string;
  output: string;
  options: boolean;
}

/**
 * FLAN-style records from one source's labelled rows: per record (by train.seed and its index)
 * a template, zero- or few-shot, with or without the options block. Exemplars come from the
 * same source, never the record itself, and are dropped from the end until the record fits.
 */
export class TextLabelBuilder {
  private readonly options: string[];

  constructor(
    private readonly rows: LabelledRow[],
    private readonly task: TextLabelTask,
    private readonly fits?: FitsCheck,
  ) {
    this.options = task.labels
      ? [...new Set(Object.values(task.labels))]
      : [...new Set(rows.map((r) => r.label))].sort();
  }

  build(index: number): BuiltRecord {
    const { task } = this;
    const row = this.rows[index] as LabelledRow;
    const key = (purpose: string) => `${task.seed}\u0000${purpose}\u0000${index}`;
    const template = task.templates[recordHash(key("template")) % task.templates.length];
    if (!template) return { problem: { field: "text_label", message: "no template" } };
    const showOptions =
      task.options.style !== "none" && recordUnit(key("options")) < task.shares.options;
    const prompt = this.prompt(template, row, showOptions);
    if ("missing" in prompt) return { problem: prompt.missing };
    const fewShot = task.fewShot && recordUnit(key("few-shot")) < task.shares.fewShot;
    const shots: string[] = [];
    if (fewShot && task.fewShot) {
      for (const other of exemplarIndices(
        index,
        this.rows.length,
        task.fewShot.k,
        recordHash(key("exemplars")),
      )) {
        const shot = this.prompt(template, this.rows[other] as LabelledRow, showOptions);
        if ("missing" in shot) continue;
        shots.push(
          [shot.instruction, shot.input, shot.output].filter((part) => part !== "").join("\n"),
        );
      }
    }
    const separator = task.fewShot?.separator ?? "";
    const example = (count: number): Conversation => {
      const meta: RecordMeta = { template: template.id, shots: count, options: prompt.options };
      const instruction = [...shots.slice(0, count), prompt.instruction].join(separator);
      return {
        kind: "conversation",
        turns: [
          { role: "user", content: instruction, ...(prompt.input ? { input: prompt.input } : {}) },
          { role: "assistant", content: prompt.output },
        ],
        meta,
      };
    };
    let count = shots.length;
    let built = example(count);
    while (count > 0 && this.fits && !this.fits(built)) built = example(--count);
    return { example: built };
  }

  private prompt(
    template: Phrasing,
    row: LabelledRow,
    showOptions: boolean,
  ): Prompt | { missing: { field: string; message: string } } {
    const values: Record<string, string> = {
      text: row.text,
      label: row.label,
      options: this.options.join(", "),
    };
    let missing: { field: string; message: string } | undefined;
    const fill = (text: string, part: string) =>
      text.replace(/\{([A-Za-z0-9_]+)\}/g, (whole, name: string) => {
        const value = values[name] ?? row.row[name];
        if (value === undefined || value === null) {
          missing ??= {
            field: `text_label.${part}`,
            message: `template placeholder {${name}} has no field "${name}" in the record`,
          };
          return whole;
        }
        return String(value);
      });
    let instruction = fill(template.instruction, "instruction");
    let input = fill(template.input, "input");
    const output = fill(template.output, "output");
    if (missing) return { missing };
    const mentionsOptions = [template.instruction, template.input].some((t) =>
      t.includes("{options}"),
    );
    const options =
      showOptions && !template.inverted && !mentionsOptions && this.options.length > 0;
    if (options) {
      const { style, prefix, marker } = this.task.options;
      if (style === "inline") instruction += ` ${prefix} ${this.options.join(", ")}`;
      else {
        const block = `\n\n${prefix}\n${this.options.map((o) => `${marker}${o}`).join("\n")}`;
        if (input !== "") input += block;
        else instruction += block;
      }
    }
    return { instruction, input, output, options };
  }
}

/** Up to k distinct indices of 0..n-1 other than `self`, in a seeded order. */
export function exemplarIndices(self: number, n: number, k: number, seed: number): number[] {
  const others = n - 1;
  const want = Math.min(k, others);
  const random = seededRandom(seed);
  const picked: number[] = [];
  const seen = new Set<number>();
  if (want * 2 >= others) {
    // Few rows: a seeded shuffle of all the others, cut to k.
    const all = Array.from({ length: others }, (_, i) => (i >= self ? i + 1 : i));
    for (let i = all.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [all[i], all[j]] = [all[j] as number, all[i] as number];
    }
    return all.slice(0, want);
  }
  while (picked.length < want) {
    const draw = Math.floor(random() * others);
    const other = draw >= self ? draw + 1 : draw;
    if (seen.has(other)) continue;
    seen.add(other);
    picked.push(other);
  }
  return picked;
}
