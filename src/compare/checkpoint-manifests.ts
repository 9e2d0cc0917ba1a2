import { readFile, readdir } from "node:fs/promises";
import path from "node:path";
import { checkDocument, checkpointManifestSchema } from "../contract/index.js";
import type { CheckpointSummary } from "./comparison-report.js";

/**
 * The checkpoints pulled back into the run's directory, oldest step first. A checkpoint
 * exists only with a valid manifest (DESIGN.md); a missing directory means none yet.
 */
export async function readCheckpoints(checkpointsDir: string): Promise<CheckpointSummary[]> {
  const names = await readdir(checkpointsDir).catch(() => [] as string[]);
  const found = await Promise.all(
    names
      .filter((name) => /^step-\d+$/.test(name))
      .map((name) => readManifest(path.join(checkpointsDir, name))),
  );
  return found
    .filter((checkpoint): checkpoint is CheckpointSummary => checkpoint !== undefined)
    .sort((a, b) => a.step - b.step);
}

async function readManifest(dir: string): Promise<CheckpointSummary | undefined> {
  const bytes = await readFile(path.join(dir, "manifest.json")).catch(() => undefined);
  const checked = bytes ? checkDocument(checkpointManifestSchema, bytes) : undefined;
  if (!checked?.ok) return undefined;
  const { step, metrics } = checked.value;
  return { step, path: dir, loss: finite(metrics.loss), eval_loss: finite(metrics.eval_loss) };
}

function finite(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

/** Lowest eval loss, else lowest train loss, else the latest step. */
export function bestCheckpoint(checkpoints: CheckpointSummary[]): CheckpointSummary | null {
  const by = (metric: "eval_loss" | "loss") =>
    checkpoints
      .filter((checkpoint) => checkpoint[metric] !== null)
      .reduce<CheckpointSummary | null>(
        (best, checkpoint) =>
          best === null || checkpoint[metric]! < best[metric]! ? checkpoint : best,
        null,
      );
  return by("eval_loss") ?? by("loss") ?? checkpoints[checkpoints.length - 1] ?? null;
}
