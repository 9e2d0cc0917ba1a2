import type { RunRecord, RunRegistryPort } from "../runs/index.js";
import type { Reporter } from "../report/index.js";
import { CheckpointSync, type CheckpointSyncReport } from "./checkpoint-sync.js";
import { mirrorRun } from "./mirror-run.js";
import type { BucketStore, MonitorHost } from "./ports.js";
import { RunStreamer } from "./run-streamer.js";
import { pullTensorboard, type TensorboardPull } from "./tensorboard-pull.js";

export interface CatchUpResult {
  /** null when the run never reached a host, or another process streams it. */
  streams: { metrics: number; log: number } | null;
  checkpoints: CheckpointSyncReport | null;
  /** TensorBoard event files copied home (null when the run never reached a host). */
  tensorboard: TensorboardPull | null;
  mirrored: string[];
}

/**
 * `tunectl sync RUN`: bring the run's latest attempt up to date now: streams drained once,
 * one checkpoint round, TensorBoard event files copied home, the registry mirrored to the bucket (all of it with `force`).
 */
export async function catchUpRun(
  registry: Pick<RunRegistryPort, "get" | "apply" | "paths">,
  run: RunRecord,
  {
    host,
    store,
    reporter,
    force = false,
  }: { host?: MonitorHost; store?: BucketStore; reporter: Reporter; force?: boolean },
): Promise<CatchUpResult> {
  const attempt = run.attempts[run.attempts.length - 1];
  const result: CatchUpResult = {
    streams: null,
    checkpoints: null,
    tensorboard: null,
    mirrored: [],
  };
  if (host && attempt?.host_dir) {
    const streamer = new RunStreamer({
      registry,
      runId: run.id,
      attempt: attempt.n,
      host,
      hostDir: attempt.host_dir,
      reporter,
      drainTimeoutMs: 15_000,
    });
    if ((await streamer.catchUp()) !== "busy") result.streams = streamer.offsets;
    result.checkpoints = await new CheckpointSync({
      registry,
      runId: run.id,
      host,
      hostDir: attempt.host_dir,
      ...(store ? { store } : {}),
      reporter,
    }).syncOnce();
    result.tensorboard = await pullTensorboard(host, attempt.host_dir, registry.paths(run.id).dir);
  }
  if (store) result.mirrored = (await mirrorRun(registry, run.id, store, { force })).uploaded;
  return result;
}
