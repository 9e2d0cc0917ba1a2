import type { GpuRow } from "../monitor/index.js";
import type { RunRecord } from "../runs/index.js";

/**
 * The GPUs a run holds, as the run page shows them: only the run's own GPUs out of its host's
 * probe, never the host's others. A union keyed on why there is, or is not, a list.
 */
export type RunGpus =
  | { state: "unplaced" }
  | { state: "cpu"; host: string }
  | { state: "released"; host: string; gpus: number[] }
  | { state: "unreachable"; host: string; gpus: number[]; error: string }
  /** A run read from the bucket's mirror: its host is another workspace's to probe. */
  | { state: "remote"; host: string; gpus: number[] }
  | { state: "held"; host: string; gpus: GpuRow[] };

const holding = ["launching", "running", "stopping"];

/** The host a run's GPUs are on, if it was placed; the only host the page needs to probe. */
export function runGpuHost(run: RunRecord): string | null {
  return run.attempts.at(-1)?.host ?? null;
}

/**
 * Select the run's GPUs from its host's probe rows: the GPUs its latest attempt was placed on,
 * or whose lease names the run (a lease is the host's own word on who holds a GPU).
 */
export function selectRunGpus(run: RunRecord, rows: GpuRow[], remote = false): RunGpus {
  const attempt = run.attempts.at(-1);
  if (!attempt?.host) return { state: "unplaced" };
  const host = attempt.host;
  const placed = attempt.gpus ?? [];
  const own = rows.filter(
    (row) =>
      row.host === host &&
      row.index !== null &&
      (row.run_id === run.id || (row.run_id === null && placed.includes(row.index))),
  );
  if (placed.length === 0 && own.length === 0) return { state: "cpu", host };
  if (!holding.includes(attempt.state)) return { state: "released", host, gpus: placed };
  if (remote) return { state: "remote", host, gpus: placed };
  const hostRow = rows.find((row) => row.host === host);
  if (hostRow && !hostRow.reachable)
    return { state: "unreachable", host, gpus: placed, error: hostRow.error ?? "unreachable" };
  return { state: "held", host, gpus: own };
}
