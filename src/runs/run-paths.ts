import path from "node:path";

/** Where each part of a run lives in the registry (DESIGN.md "Workspace and registry"). */
export interface RunPaths {
  dir: string;
  record: string;
  config: string;
  events: string;
  metrics: string;
  /** The trainer's answers to the eval prompts (streamed like metrics). */
  generations: string;
  logs: string;
  checkpoints: string;
  lock: string;
  /** Taken by whoever brings checkpoints home (a sync round, an export's fetch), one at a time. */
  checkpointsLock: string;
  attemptLog(n: number): string;
}

export function runPaths(runsDir: string, id: string): RunPaths {
  const dir = path.join(runsDir, id);
  return {
    dir,
    record: path.join(dir, "run.json"),
    config: path.join(dir, "config.yaml"),
    events: path.join(dir, "events.jsonl"),
    metrics: path.join(dir, "metrics.jsonl"),
    generations: path.join(dir, "generations.jsonl"),
    logs: path.join(dir, "logs"),
    checkpoints: path.join(dir, "checkpoints"),
    lock: path.join(dir, ".run.lock"),
    checkpointsLock: path.join(dir, ".checkpoints.lock"),
    attemptLog: (n) => path.join(dir, "logs", `attempt-${n}.log`),
  };
}
