import { mkdir } from "node:fs/promises";
import path from "node:path";
import { tryFileLock, withFileLock, type RunRegistry } from "../runs/index.js";
import { systemClock, type Clock, type EventKind, type Reporter } from "../report/index.js";
import { manifestName } from "./checkpoint-manifest.js";
import { pullCheckpoint } from "./checkpoint-pull.js";
import {
  readCheckpointOrigins,
  recordCheckpointOrigin,
  removeBucketCheckpoint,
  removeLocalCheckpoint,
  stepsToRemove,
} from "./checkpoint-retention.js";
import { bucketCheckpointPrefix, uploadCheckpoint } from "./checkpoint-upload.js";
import { scanHostCheckpoints, type HostCheckpointScan } from "./host-checkpoints.js";
import { scanLocalCheckpoints } from "./local-checkpoints.js";
import { listAll, type BucketStore, type MonitorHost, type StoredObject } from "./ports.js";
import {
  checkpointHostUnavailable,
  checkpointPullFailed,
  checkpointRetentionFailed,
  checkpointUploadFailed,
  checkpointPulled,
  checkpointRefused,
  checkpointRemoved,
  checkpointSyncFailed,
  checkpointUploaded,
} from "./events.js";

export interface CheckpointSyncOptions {
  registry: Pick<RunRegistry, "get" | "paths">;
  runId: string;
  host: MonitorHost;
  hostDir: string;
  /** Without a store, checkpoints are only pulled locally. */
  store?: BucketStore;
  reporter: Reporter;
  clock?: Clock;
  intervalMs?: number;
  concurrency?: number;
}

export interface CheckpointSyncReport {
  pulled: number[];
  uploaded: number[];
  removed: number[];
  refused: Array<{ name: string; reason: string }>;
  /** What could not be done this round (host or bucket unreachable); retried next round. */
  errors: Array<{ code: string; message: string }>;
}

function emptyReport(): CheckpointSyncReport {
  return { pulled: [], uploaded: [], removed: [], refused: [], errors: [] };
}

/**
 * Brings every complete checkpoint of an attempt home: host -> `.tunectl/runs/<id>/
 * checkpoints/step-<N>/` -> bucket `runs/<id>/checkpoints/step-<N>/`, and mirrors the
 * trainer's retention (checkpoint-retention.ts). Idempotent: each round does only what is
 * missing, so a crash or a dropped link costs at most a partial file, resumed next round.
 */
export class CheckpointSync {
  private readonly clock: Clock;
  private readonly refusedReported = new Set<string>();
  private loop?: Promise<void>;
  private readonly stopped = new AbortController();
  private running?: Promise<CheckpointSyncReport>;

  constructor(private readonly options: CheckpointSyncOptions) {
    this.clock = options.clock ?? systemClock;
  }

  start(): void {
    this.loop ??= (async () => {
      while (!this.stopped.signal.aborted) {
        await this.syncOnce({ wait: false }).catch((error: Error) =>
          checkpointSyncFailed.emit(this.options.reporter, error.message),
        );
        await this.clock.sleep(this.options.intervalMs ?? 5_000, this.stopped.signal);
      }
    })();
  }

  /** Stop the periodic rounds, then one last round so the final checkpoint is not missed. */
  async stop({ final = true }: { final?: boolean } = {}): Promise<CheckpointSyncReport | null> {
    this.stopped.abort();
    await this.loop;
    return final ? this.syncOnce() : null;
  }

  /**
   * One round; rounds never overlap, in this process or across processes (`attach` and `sync`
   * of one run, two terminals): they take turns through the run's checkpoints lock. A
   * periodic round that finds another process's round under way skips (that round does what
   * this one would); an explicit or final round waits for it, then does what is left.
   */
  syncOnce({ wait = true }: { wait?: boolean } = {}): Promise<CheckpointSyncReport> {
    this.running ??= this.locked(wait).finally(() => (this.running = undefined));
    return this.running;
  }

  private async locked(wait: boolean): Promise<CheckpointSyncReport> {
    const lockPath = this.options.registry.paths(this.options.runId).checkpointsLock;
    await mkdir(path.dirname(lockPath), { recursive: true });
    if (wait) return withFileLock(lockPath, () => this.round(), { timeoutMs: 600_000 });
    const taken = await tryFileLock(lockPath);
    if (!("held" in taken)) return emptyReport();
    try {
      return await this.round();
    } finally {
      await taken.held.release();
    }
  }

  private async round(): Promise<CheckpointSyncReport> {
    const { registry, runId, host, hostDir, store, reporter } = this.options;
    const paths = registry.paths(runId);
    const result = emptyReport();
    const fail = (kind: EventKind<{ host: string }>, error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      result.errors.push({ code: kind.code, message });
      kind.emit(reporter, message, { host: host.name });
    };

    let scan: HostCheckpointScan | undefined;
    try {
      scan = await scanHostCheckpoints(host, hostDir);
    } catch (error) {
      fail(checkpointHostUnavailable, error);
    }
    if (scan) {
      result.refused = scan.refused;
      for (const refused of scan.refused) this.reportRefused(refused);
      const local = new Set((await scanLocalCheckpoints(paths.checkpoints)).map((c) => c.step));
      for (const checkpoint of scan.valid) {
        if (local.has(checkpoint.step)) continue;
        try {
          const dir = path.join(paths.checkpoints, `step-${checkpoint.step}`);
          const { bytes } = await pullCheckpoint(host, checkpoint, dir, {
            concurrency: this.options.concurrency ?? 4,
          });
          await recordCheckpointOrigin(paths.dir, checkpoint.step, {
            host: host.name,
            host_dir: hostDir,
          });
          result.pulled.push(checkpoint.step);
          checkpointPulled.emit(reporter, `checkpoint step ${checkpoint.step} saved locally`, {
            step: checkpoint.step,
            bytes,
            host: host.name,
          });
        } catch (error) {
          fail(checkpointPullFailed, error);
          break;
        }
      }
    }

    let bucket: Map<string, StoredObject> | undefined;
    if (store) {
      try {
        bucket = new Map(
          (await listAll(store, bucketCheckpointPrefix(runId))).map((o) => [o.key, o] as const),
        );
        for (const checkpoint of await scanLocalCheckpoints(paths.checkpoints)) {
          if (bucket.has(bucketCheckpointPrefix(runId, checkpoint.step) + manifestName)) continue;
          await uploadCheckpoint(store, runId, checkpoint.dir, checkpoint.manifest, bucket);
          bucket.set(bucketCheckpointPrefix(runId, checkpoint.step) + manifestName, {
            key: bucketCheckpointPrefix(runId, checkpoint.step) + manifestName,
            size: 0,
          });
          result.uploaded.push(checkpoint.step);
          checkpointUploaded.emit(
            reporter,
            `checkpoint step ${checkpoint.step} uploaded to the bucket`,
            {
              step: checkpoint.step,
            },
          );
        }
      } catch (error) {
        bucket = undefined;
        fail(checkpointUploadFailed, error);
      }
    }

    if (scan)
      await this.mirrorRetention(scan, bucket, result).catch((e) =>
        fail(checkpointRetentionFailed, e),
      );
    return result;
  }

  private async mirrorRetention(
    scan: HostCheckpointScan,
    bucket: Map<string, StoredObject> | undefined,
    result: CheckpointSyncReport,
  ): Promise<void> {
    const { registry, runId, host, hostDir, store, reporter } = this.options;
    const paths = registry.paths(runId);
    const origins = await readCheckpointOrigins(paths.dir);
    const local = await scanLocalCheckpoints(paths.checkpoints);
    const steps = new Set(local.map((c) => c.step));
    for (const key of bucket?.keys() ?? []) {
      const match = /\/step-(\d+)\/manifest\.json$/.exec(key);
      if (match) steps.add(Number(match[1]));
    }
    const evalLoss = (metrics: Record<string, unknown> | undefined) =>
      typeof metrics?.eval_loss === "number" ? metrics.eval_loss : undefined;
    const run = await registry.get(runId);
    const remove = stepsToRemove({
      host: { host: host.name, host_dir: hostDir },
      hostSteps: scan.valid.map((c) => c.step),
      hostEvalLoss: new Map(
        scan.valid.flatMap((c) => {
          const loss = evalLoss(c.manifest.metrics);
          return loss === undefined ? [] : [[c.step, loss] as const];
        }),
      ),
      copies: [...steps].map((step) => ({
        step,
        evalLoss: evalLoss(local.find((c) => c.step === step)?.manifest.metrics),
        origin: origins[String(step)],
      })),
      protectedSteps: run.attempts.flatMap((a) => (a.resume_from ? [a.resume_from.step] : [])),
    });
    for (const step of remove) {
      await removeLocalCheckpoint(path.join(paths.checkpoints, `step-${step}`));
      if (store && bucket) await removeBucketCheckpoint(store, runId, step);
      result.removed.push(step);
      checkpointRemoved.emit(reporter, `checkpoint step ${step} removed (gone on ${host.name})`, {
        step,
      });
    }
  }

  private reportRefused(refused: { name: string; reason: string }): void {
    if (this.refusedReported.has(refused.name)) return;
    this.refusedReported.add(refused.name);
    checkpointRefused.emit(
      this.options.reporter,
      `${this.options.host.name}: refused checkpoint entry ${JSON.stringify(refused.name)}: ${refused.reason}`,
      { host: this.options.host.name, ...refused },
    );
  }
}
