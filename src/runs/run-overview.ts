import { open } from "node:fs/promises";
import { parseMetricLines } from "./metrics-view.js";
import type { RunRegistryPort } from "./run-registry-port.js";
import {
  currentAttempt,
  unreachableSince,
  type RunRecord,
  type SchedulerView,
} from "./run-record.js";

/** One row of `tunectl ps`: the record plus the latest progress, read from the metrics tail. */
export interface RunOverview {
  id: string;
  name: string;
  state: RunRecord["state"];
  attempt: number;
  host: string | null;
  gpus: number[];
  step: number | null;
  total_steps: number | null;
  loss: number | null;
  created_at: string;
  updated_at: string;
  unreachable_since: string | null;
  /** The scheduler's view of a live attempt (Slurm: `{state: "PENDING", reason: "Resources"}`). */
  scheduler: SchedulerView | null;
}

const tailBytes = 4096;

async function lastTrainLine(file: string) {
  let handle;
  try {
    handle = await open(file, "r");
  } catch {
    return undefined;
  }
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, tailBytes);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    const lines = parseMetricLines(buffer.toString("utf8"));
    return lines.filter((line) => line.kind === "train").at(-1);
  } finally {
    await handle.close();
  }
}

export async function runOverview(
  registry: Pick<RunRegistryPort, "paths">,
  run: RunRecord,
): Promise<RunOverview> {
  const attempt = currentAttempt(run);
  const last = await lastTrainLine(registry.paths(run.id).metrics);
  return {
    id: run.id,
    name: run.name,
    state: run.state,
    attempt: attempt?.n ?? 0,
    host: attempt?.host ?? null,
    gpus: attempt?.gpus ?? [],
    step: last?.step ?? null,
    total_steps: last?.total_steps ?? null,
    loss: typeof last?.loss === "number" ? last.loss : null,
    created_at: run.created_at,
    updated_at: run.updated_at,
    unreachable_since: unreachableSince(attempt) ?? null,
    scheduler: attempt?.scheduler ?? null,
  };
}
