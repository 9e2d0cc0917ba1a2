import { describeIssues } from "./documents.js";
import { metricLineSchema, type MetricLine } from "./metric-line.js";

export interface MetricLines {
  lines: MetricLine[];
  /** Complete lines that are not JSON or break the schema, 1-based within the text. */
  rejected: Array<{ line: number; problem: string }>;
}

/** `null` is how a trainer says "not measured" (a non-finite value, no eval yet): read as absent. */
function withoutNulls(value: unknown): unknown {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== null));
}

/**
 * metrics.jsonl text -> its lines. One bad line is skipped and listed in `rejected`, never
 * fatal: the rest of a run's curve is still worth showing, and a torn last line of a live
 * file completes on the next read.
 */
export function parseMetricLines(text: string): MetricLines {
  const result: MetricLines = { lines: [], rejected: [] };
  text.split("\n").forEach((raw, index) => {
    if (raw.trim() === "") return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      result.rejected.push({ line: index + 1, problem: "not valid JSON" });
      return;
    }
    const parsed = metricLineSchema.safeParse(withoutNulls(value));
    if (parsed.success) result.lines.push(parsed.data);
    else result.rejected.push({ line: index + 1, problem: describeIssues(parsed.error) });
  });
  return result;
}
