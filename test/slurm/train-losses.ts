import { readFile } from "node:fs/promises";
import path from "node:path";

/** step -> loss of a run's train lines in a workspace (the last line of a step, should one be written twice). */
export async function lossByStep(workspace: string, id: string): Promise<Map<number, number>> {
  const text = await readFile(path.join(workspace, ".tunectl/runs", id, "metrics.jsonl"), "utf8");
  const losses = new Map<number, number>();
  for (const line of text.trim().split("\n")) {
    const metric = JSON.parse(line) as { kind: string; step: number; loss: number };
    if (metric.kind === "train") losses.set(metric.step, metric.loss);
  }
  return losses;
}
