import type { MetricLine } from "../../runs/index.js";

const leading = [
  "step",
  "attempt",
  "kind",
  "epoch",
  "loss",
  "eval_loss",
  "lr",
  "grad_norm",
  "tokens",
  "tokens_per_s",
  "total_steps",
  "ts",
];

function cell(value: unknown): string {
  if (value === undefined || value === null) return "";
  const text = typeof value === "object" ? JSON.stringify(value) : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Metric lines as CSV (RFC 4180): the contract's fields first, any others after, sorted. */
export function metricsCsv(lines: readonly MetricLine[]): string {
  const extra = new Set<string>();
  for (const line of lines)
    for (const key of Object.keys(line)) if (!leading.includes(key)) extra.add(key);
  const columns = [...leading, ...[...extra].sort()];
  const rows = lines.map((line) => columns.map((column) => cell(line[column])).join(","));
  return `${[columns.join(","), ...rows].join("\n")}\n`;
}
