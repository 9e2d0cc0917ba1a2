import type { MetricLine } from "../contract/index.js";

/** The trainer's own count of a split (a `kind: data` metrics line) as one line, else null. */
export function renderDataLine(line: MetricLine): string | null {
  if (line.kind !== "data") return null;
  const n = (value: unknown) => (typeof value === "number" ? value : "?");
  return (
    `trainer read ${String(line.split ?? "?")}.jsonl (attempt ${line.attempt}): ${n(line.records)} records, ` +
    `${n(line.truncated)} truncated at max_seq_len ${n(line.max_seq_len)}, ${n(line.dropped)} without a trained token (dropped), ` +
    `${n(line.tokens)} tokens`
  );
}

/** The data lines of the latest attempt that wrote any: what `show` prints. */
export function latestDataLines(lines: readonly MetricLine[]): MetricLine[] {
  const data = lines.filter((line) => line.kind === "data");
  const last = data.at(-1)?.attempt;
  return data.filter((line) => line.attempt === last);
}
