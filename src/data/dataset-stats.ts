import type { Example } from "./example.js";
import { lengthDistribution } from "./length-distribution.js";
import { renderedLengths, type RenderedRecord } from "./record-render.js";

export interface DatasetStats {
  records: number;
  invalid: number;
  duplicates: number;
  turns: { total: number; max: number; multi_turn_records: number };
  characters: { prompt: number; output: number; total: number };
  /** Characters per rendered record. */
  length: { min: number; p50: number; p90: number; p99: number; max: number; mean: number };
  empty_fields: { input: number; system: number };
}

/** Accumulates statistics record by record; lengths kept as one number each for percentiles. */
export class StatsAccumulator {
  private records = 0;
  private turns = 0;
  private maxTurns = 0;
  private multiTurn = 0;
  private prompt = 0;
  private output = 0;
  private emptyInput = 0;
  private noSystem = 0;
  private lengths: number[] = [];
  invalid = 0;
  duplicates = 0;

  add(example: Example, rendered: RenderedRecord): void {
    this.records += 1;
    const { prompt, output } = renderedLengths(rendered);
    this.prompt += prompt;
    this.output += output;
    this.lengths.push(prompt + output);
    if (example.kind === "conversation") {
      const n = example.turns.length;
      this.turns += n;
      this.maxTurns = Math.max(this.maxTurns, n);
      if (n > 2) this.multiTurn += 1;
      if (example.turns[0]?.input === undefined) this.emptyInput += 1;
      if (example.system === undefined) this.noSystem += 1;
    }
  }

  result(): DatasetStats {
    const total = this.prompt + this.output;
    return {
      records: this.records,
      invalid: this.invalid,
      duplicates: this.duplicates,
      turns: { total: this.turns, max: this.maxTurns, multi_turn_records: this.multiTurn },
      characters: { prompt: this.prompt, output: this.output, total },
      length: {
        ...lengthDistribution(this.lengths),
        mean: this.records ? Math.round(total / this.records) : 0,
      },
      empty_fields: { input: this.emptyInput, system: this.noSystem },
    };
  }
}
