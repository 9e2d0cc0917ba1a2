import type { MetricLine, RunRegistryPort } from "../runs/index.js";
import { report, type Clock, type Reporter } from "../report/index.js";
import { CheckpointSync, type CheckpointSyncReport } from "./checkpoint-sync.js";
import { mirrorRun } from "./mirror-run.js";
import type { BucketStore, MonitorHost } from "./ports.js";
import { RunStreamer } from "./run-streamer.js";

export interface AttemptMonitorOptions {
  registry: Pick<RunRegistryPort, "get" | "apply" | "paths">;
  runId: string;
  /** The attempt number (`Attempt.n`). */
  attempt: number;
  host: MonitorHost;
  /** `Attempt.host_dir`. */
  hostDir: string;
  /** The workspace's object store; without it nothing goes to the bucket. */
  store?: BucketStore;
  reporter: Reporter;
  clock?: Clock;
  onMetric?(line: MetricLine): void;
  onLog?(bytes: Buffer): void;
  checkpointEveryMs?: number;
  mirrorEveryMs?: number;
}

export interface AttemptMonitor {
  /** False when another live process already streams this attempt (it keeps doing so). */
  readonly streaming: boolean;
  /**
   * Stop monitoring. `ended: true` once the container has exited: the streams are drained,
   * a last checkpoint round runs and the registry is mirrored, so nothing at the tail is lost.
   * `ended: false` (detach, Ctrl-C): stop at once; a later attach or sync continues exactly.
   */
  stop(options: { ended: boolean }): Promise<{ checkpoints: CheckpointSyncReport | null }>;
}

/**
 * Everything that follows one running attempt: log + metrics streams, checkpoint sync, and the
 * periodic bucket mirror of the registry. Launch starts it once the container runs.
 */
export async function monitorAttempt(options: AttemptMonitorOptions): Promise<AttemptMonitor> {
  const { registry, runId, store, reporter } = options;
  const streamer = new RunStreamer({
    registry,
    runId,
    attempt: options.attempt,
    host: options.host,
    hostDir: options.hostDir,
    reporter,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.onMetric ? { onMetric: options.onMetric } : {}),
    ...(options.onLog ? { onLog: options.onLog } : {}),
  });
  const streaming = await streamer.start();
  const checkpoints = new CheckpointSync({
    registry,
    runId,
    host: options.host,
    hostDir: options.hostDir,
    ...(store ? { store } : {}),
    reporter,
    ...(options.clock ? { clock: options.clock } : {}),
    intervalMs: options.checkpointEveryMs ?? 5_000,
  });
  if (streaming) checkpoints.start();
  const mirror = async () => {
    if (!store) return;
    try {
      await mirrorRun(registry, runId, store);
    } catch (error) {
      report(reporter, "debug", "monitor.mirror_failed", (error as Error).message);
    }
  };
  const mirrorTimer = streaming
    ? setInterval(() => void mirror(), options.mirrorEveryMs ?? 30_000)
    : undefined;
  mirrorTimer?.unref();

  return {
    streaming,
    async stop({ ended }) {
      clearInterval(mirrorTimer);
      if (!streaming) return { checkpoints: null };
      await streamer.stop({ drain: ended });
      const last = await checkpoints.stop({ final: ended });
      await mirror();
      return { checkpoints: last };
    },
  };
}
