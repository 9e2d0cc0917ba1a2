import type { z } from "zod";
import { describeIssues } from "./documents.js";
import { generationLineSchema, type GenerationLine } from "./generation-line.js";
import { metricLineSchema, type MetricLine } from "./metric-line.js";

export interface JsonLines<T> {
  lines: T[];
  /** Complete lines that are not JSON or break the schema, 1-based within the text. */
  rejected: Array<{ line: number; problem: string }>;
}

export type MetricLines = JsonLines<MetricLine>;

/** `null` is how a trainer says "not measured" (a non-finite value, no eval yet): read as absent. */
function withoutNulls(value: unknown): unknown {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== null));
}

/**
 * JSON-lines text -> the lines that keep `schema`. One bad line is skipped and listed in
 * `rejected`, never fatal: the rest of a run's file is still worth showing, and a torn last
 * line of a live file completes on the next read.
 */
export function parseJsonLines<S extends z.ZodType>(
  schema: S,
  text: string,
): JsonLines<z.output<S>> {
  const result: JsonLines<z.output<S>> = { lines: [], rejected: [] };
  text.split("\n").forEach((raw, index) => {
    if (raw.trim() === "") return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      result.rejected.push({ line: index + 1, problem: "not valid JSON" });
      return;
    }
    const parsed = schema.safeParse(withoutNulls(value));
    if (parsed.success) result.lines.push(parsed.data);
    else result.rejected.push({ line: index + 1, problem: describeIssues(parsed.error) });
  });
  return result;
}

/** metrics.jsonl text -> its lines (src/contract/metric-line.ts). */
export function parseMetricLines(text: string): MetricLines {
  return parseJsonLines(metricLineSchema, text);
}

/** generations.jsonl text -> its lines (src/contract/generation-line.ts). */
export function parseGenerationLines(text: string): JsonLines<GenerationLine> {
  return parseJsonLines(generationLineSchema, text);
}
