import { mkdir, readFile, rm } from "node:fs/promises";
import path from "node:path";
import { writeFileAtomic } from "../runs/index.js";
import { manifestName } from "./checkpoint-manifest.js";
import { bucketCheckpointPrefix } from "./checkpoint-upload.js";
import { listAll, type BucketStore } from "./ports.js";
import { monitorDir } from "./stream-origin.js";

export interface CheckpointOrigin {
  host: string;
  host_dir: string;
}

export interface RetentionInput {
  host: CheckpointOrigin;
  /** Valid checkpoints on the host now. */
  hostSteps: number[];
  /** Checkpoints held locally or in the bucket, with where each was pulled from. */
  copies: Array<{ step: number; evalLoss?: number; origin?: CheckpointOrigin }>;
  /** eval_loss of the host's checkpoints, for choosing the best. */
  hostEvalLoss: Map<number, number>;
  /** Steps an attempt resumed from: kept, another host may need them again. */
  protectedSteps: number[];
}

/**
 * The trainer keeps its newest `save_total_limit` checkpoints plus the best by eval loss;
 * copies follow it. A copy is removed only when the very host directory it was pulled from
 * no longer has it and has a newer one (so a resume on another host, whose directory starts
 * empty, never deletes anything), and never when it is the run's latest checkpoint, its
 * best, or one an attempt resumed from.
 */
export function stepsToRemove(input: RetentionInput): number[] {
  if (input.hostSteps.length === 0) return [];
  const onHost = new Set(input.hostSteps);
  const newestOnHost = Math.max(...input.hostSteps);
  const allSteps = [...input.hostSteps, ...input.copies.map((c) => c.step)];
  const latest = Math.max(...allSteps);
  const losses = new Map(input.hostEvalLoss);
  for (const copy of input.copies) {
    if (copy.evalLoss !== undefined && !losses.has(copy.step)) losses.set(copy.step, copy.evalLoss);
  }
  let best: number | undefined;
  for (const [step, loss] of losses) {
    const bestLoss = best === undefined ? undefined : losses.get(best)!;
    if (bestLoss === undefined || loss < bestLoss || (loss === bestLoss && step < best!)) {
      best = step;
    }
  }
  const keep = new Set([latest, ...(best === undefined ? [] : [best]), ...input.protectedSteps]);
  return input.copies
    .filter(
      (copy) =>
        !onHost.has(copy.step) &&
        copy.step < newestOnHost &&
        !keep.has(copy.step) &&
        copy.origin?.host === input.host.host &&
        copy.origin.host_dir === input.host.host_dir,
    )
    .map((copy) => copy.step)
    .sort((a, b) => a - b);
}

function originsFile(runDir: string): string {
  return path.join(monitorDir(runDir), "checkpoint-origins.json");
}

export async function readCheckpointOrigins(
  runDir: string,
): Promise<Record<string, CheckpointOrigin>> {
  try {
    return JSON.parse(await readFile(originsFile(runDir), "utf8")) as Record<
      string,
      CheckpointOrigin
    >;
  } catch {
    return {};
  }
}

export async function recordCheckpointOrigin(
  runDir: string,
  step: number,
  origin: CheckpointOrigin,
): Promise<void> {
  const origins = await readCheckpointOrigins(runDir);
  origins[String(step)] = origin;
  await mkdir(monitorDir(runDir), { recursive: true });
  await writeFileAtomic(originsFile(runDir), `${JSON.stringify(origins, null, 2)}\n`);
}

/** Manifest first, so a half-removed copy is never listed as a checkpoint. */
export async function removeLocalCheckpoint(dir: string): Promise<void> {
  await rm(path.join(dir, manifestName), { force: true });
  await rm(dir, { recursive: true, force: true });
}

export async function removeBucketCheckpoint(
  store: BucketStore,
  runId: string,
  step: number,
): Promise<void> {
  const prefix = bucketCheckpointPrefix(runId, step);
  await store.delete(prefix + manifestName);
  for (const object of await listAll(store, prefix)) await store.delete(object.key);
}
