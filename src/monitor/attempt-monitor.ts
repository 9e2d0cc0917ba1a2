import type { MetricLine, RunRegistryPort } from "../runs/index.js";
import { type Clock, type Reporter } from "../report/index.js";
import { CheckpointSync, type CheckpointSyncReport } from "./checkpoint-sync.js";
import { mirrorRun } from "./mirror-run.js";
import type { BucketStore, MonitorHost } from "./ports.js";
import { LocalTail } from "./local-tail.js";
import { RunStreamer } from "./run-streamer.js";
import { monitorMirrorFailed, tensorboardPullFailed } from "./events.js";
import { pullTensorboard } from "./tensorboard-pull.js";

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
  /** While another process streams the attempt: how often to try taking it over. Default 3 s. */
  takeOverEveryMs?: number;
}

export interface AttemptMonitor {
  /** Whether this process streams the attempt (else another live process does, for now). */
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
 * periodic bucket mirror of the registry. Launch starts it once the container runs. When
 * another tunectl already streams the attempt, the live view reads the local files it
 * appends to, and this one takes the stream over as soon as that process is gone.
 */
export async function monitorAttempt(options: AttemptMonitorOptions): Promise<AttemptMonitor> {
  const { registry, runId, store, reporter } = options;
  const listener = {
    ...(options.onMetric ? { onMetric: options.onMetric } : {}),
    ...(options.onLog ? { onLog: options.onLog } : {}),
  };
  const streamer = new RunStreamer({
    registry,
    runId,
    attempt: options.attempt,
    host: options.host,
    hostDir: options.hostDir,
    reporter,
    ...(options.clock ? { clock: options.clock } : {}),
    ...listener,
  });
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
  const mirror = async () => {
    if (!store) return;
    try {
      await mirrorRun(registry, runId, store);
    } catch (error) {
      monitorMirrorFailed.emit(reporter, (error as Error).message);
    }
  };
  // TensorBoard event files come home with each mirror round and once more at the end; only
  // the last round's failure is reported (a host away for a while fails every round until then)
  let pulling: Promise<void> = Promise.resolve();
  const pullEvents = (report: boolean) =>
    (pulling = pulling.then(async () => {
      try {
        await pullTensorboard(options.host, options.hostDir, registry.paths(runId).dir);
      } catch (error) {
        const message = (error as Error).message;
        if (report) {
          tensorboardPullFailed.emit(
            reporter,
            `${runId}: TensorBoard event files not copied home: ${message} (tunectl sync ${runId} retries)`,
            { host: options.host.name, error: message },
          );
        }
      }
    }));
  let mirrorTimer: NodeJS.Timeout | undefined;
  const streamHere = () => {
    checkpoints.start();
    mirrorTimer = setInterval(
      () => void pullEvents(false).then(mirror),
      options.mirrorEveryMs ?? 30_000,
    );
    mirrorTimer.unref();
  };

  let streaming = await streamer.start();
  const stopped = new AbortController();
  let reading: Promise<void> | undefined;
  let tail: LocalTail | undefined;
  if (streaming) streamHere();
  else {
    const paths = registry.paths(runId);
    tail = new LocalTail(
      { metrics: paths.metrics, log: paths.attemptLog(options.attempt) },
      listener,
    );
    reading = (async () => {
      const takeOverEveryMs = options.takeOverEveryMs ?? 3_000;
      let lastTry = Date.now();
      while (!stopped.signal.aborted) {
        await pause(Math.min(250, takeOverEveryMs), stopped.signal);
        if (stopped.signal.aborted) break;
        await tail!.poll();
        if (Date.now() - lastTry < takeOverEveryMs) continue;
        lastTry = Date.now();
        // the streaming process is gone: continue its stream from the local lengths
        if (await streamer.start()) {
          tail!.finish();
          tail = undefined;
          streaming = true;
          streamHere();
          return;
        }
      }
    })();
  }

  return {
    get streaming() {
      return streaming;
    },
    async stop({ ended }) {
      stopped.abort();
      await reading;
      clearInterval(mirrorTimer);
      if (!streaming) {
        // the other process settled the run only once its copies were complete
        if (ended) tail?.finish();
        return { checkpoints: null };
      }
      await streamer.stop({ drain: ended });
      if (ended) await pullEvents(true);
      const last = await checkpoints.stop({ final: ended });
      await mirror();
      return { checkpoints: last };
    },
  };
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}
