import { readFile } from "node:fs/promises";
import { parseMetricLines as parseContractLines, type MetricLine } from "../contract/index.js";

/**
 * The metric lines of a run as every view should see them. The local metrics.jsonl holds
 * the attempts one after another; a resumed attempt starts again after its checkpoint, so a
 * train line whose step is not above the last one seen rewinds: earlier lines from that
 * step on are dropped. No step appears twice, none is lost.
 */
export function attemptAwareMetrics(lines: MetricLine[]): MetricLine[] {
  const kept: MetricLine[] = [];
  let lastTrainStep = 0;
  for (const line of lines) {
    if (line.kind === "train" && line.step <= lastTrainStep) {
      for (let i = kept.length - 1; i >= 0; i--) if (kept[i]!.step >= line.step) kept.splice(i, 1);
    }
    if (line.kind === "train") lastTrainStep = line.step;
    if (line.kind === "summary") {
      for (let i = kept.length - 1; i >= 0; i--) if (kept[i]!.kind === "summary") kept.splice(i, 1);
    }
    kept.push(line);
  }
  return kept;
}

/**
 * The lines of metrics.jsonl text that keep the contract (src/contract/metric-lines.ts). A bad
 * line is skipped: one garbled line never hides a run's curve (docs/contract.md).
 */
export function parseMetricLines(text: string): MetricLine[] {
  return parseContractLines(text).lines;
}

export async function readRunMetrics(metricsFile: string): Promise<MetricLine[]> {
  const text = await readFile(metricsFile, "utf8").catch(() => "");
  return attemptAwareMetrics(parseMetricLines(text));
}
