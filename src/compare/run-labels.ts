import type { RunIdentity } from "./comparison-report.js";

/** Column headings: the run name when names tell the runs apart, else the id. */
export function runLabels(runs: RunIdentity[]): string[] {
  const names = new Set(runs.map((run) => run.name));
  return runs.map((run) => (names.size === runs.length ? run.name : run.id));
}

export const metricTitles: Record<string, string> = {
  loss: "train loss",
  eval_loss: "eval loss",
  lr: "learning rate",
};

export function metricTitle(metric: string): string {
  return metricTitles[metric] ?? metric;
}
