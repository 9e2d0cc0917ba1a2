import { InterruptedError } from "../errors/index.js";
import { monitorAttempt, type AttemptMonitor } from "../monitor/index.js";
import { currentAttempt, isTerminal, type MetricLine, type RunRecord } from "../runs/index.js";
import { supervisorCheckFailed, supervisorHostUnreachable } from "./events.js";
import type { LaunchDeps } from "./launch-deps.js";
import { checkRun } from "./reconcile.js";
import { recordedExperiment } from "./resume-run.js";
import { unreachableSeconds } from "./retry-policy.js";
import { settleLost } from "./settle-attempt.js";
import { retryEnded } from "./supervise-run.js";

export interface FollowOptions {
  onMetric?(line: MetricLine): void;
  onLog?(bytes: Buffer): void;
  /** Called whenever the run's record changes (state, link, a new attempt). */
  onRecord?(run: RunRecord): void;
  /** Aborting detaches: the run keeps going on its host. */
  signal?: AbortSignal;
  pollMs?: number;
  /** Apply the experiment's retry policy (default true). */
  supervise?: boolean;
}

/**
 * The supervisor of one run (used by `run`, `attach`, `resume` and `watch`): stream its
 * metrics, log and checkpoints, check the trainer every few seconds, settle the run when it
 * exits, declare it lost when its host stays unreachable past `retry.lost_after_s`, and, under
 * the experiment's retry policy, resume it from its last checkpoint. Returns the final record.
 */
export async function followRun(
  deps: LaunchDeps,
  runId: string,
  options: FollowOptions = {},
): Promise<RunRecord> {
  const pollMs = options.pollMs ?? 2000;
  const policy = (await recordedExperiment(deps, runId)).retry;
  let run = await deps.registry.get(runId);
  for (;;) {
    run = await followAttempt(deps, run, options, pollMs, policy.lost_after_s);
    if (options.signal?.aborted) break;
    // The scheduler runs the job again as the next attempt (Slurm requeue): follow that one.
    if (!isTerminal(run.state)) continue;
    if (options.supervise === false) break;
    const next = await retryEnded(deps, run, policy, options.signal);
    if (!next) {
      run = await deps.registry.get(runId);
      break;
    }
    run = next;
    options.onRecord?.(run);
  }
  if (options.signal?.aborted && !isTerminal(run.state)) {
    throw new InterruptedError(`detached from ${runId}; it keeps running`, {
      code: "run.detached",
      hint: `re-attach with: tunectl attach ${runId}`,
    });
  }
  return run;
}

/** Follow the current attempt until it ends (or the signal aborts). */
async function followAttempt(
  deps: LaunchDeps,
  start: RunRecord,
  options: FollowOptions,
  pollMs: number,
  lostAfterS: number,
): Promise<RunRecord> {
  let run = start;
  let monitor: AttemptMonitor | undefined;
  const n = currentAttempt(run)!.n;
  try {
    while (!isTerminal(run.state) && currentAttempt(run)!.n === n) {
      const attempt = currentAttempt(run)!;
      if (
        !monitor &&
        (attempt.state === "running" || attempt.state === "stopping") &&
        attempt.host_dir
      ) {
        const host = await deps.hosts.get(attempt.host).catch(() => undefined);
        if (host) {
          monitor = await monitorAttempt({
            registry: deps.registry,
            runId: run.id,
            attempt: attempt.n,
            host,
            hostDir: attempt.host_dir,
            store: await deps.store(),
            reporter: deps.reporter,
            clock: deps.clock,
            ...(options.onMetric ? { onMetric: options.onMetric } : {}),
            ...(options.onLog ? { onLog: options.onLog } : {}),
          });
        }
      }
      await deps.clock.sleep(pollMs, options.signal);
      if (options.signal?.aborted) return run;
      const before = run.updated_at;
      run = await checkRun(deps, run.id).catch((error: Error) => {
        supervisorCheckFailed.emit(deps.reporter, `${run.id}: ${error.message}`, {
          run: run.id,
          error: error.message,
        });
        return run;
      });
      const away = unreachableSeconds(run, deps.clock.now());
      const host = currentAttempt(run)!.host;
      if (away > 0 && run.state === "running" && host) {
        supervisorHostUnreachable.emit(
          deps.reporter,
          `${host} unreachable for ${Math.round(away)} s, retrying`,
          { run: run.id, host, seconds: Math.round(away), lost_after_s: lostAfterS },
        );
        if (away >= lostAfterS) {
          run = await settleLost(
            deps,
            run,
            `${host} unreachable for ${Math.round(away)} s`,
            "unreachable",
          );
        }
      }
      if (run.updated_at !== before) options.onRecord?.(run);
    }
  } finally {
    // Draining a host that stopped answering would only wait out the drain timeout.
    const attempt = run.attempts.find((a) => a.n === n);
    const hostGone = attempt?.state === "lost" && attempt.lost_cause === "unreachable";
    await monitor?.stop({ ended: !options.signal?.aborted && !hostGone }).catch((error: Error) => {
      supervisorCheckFailed.emit(deps.reporter, `${run.id}: ${error.message}`, {
        run: run.id,
        error: error.message,
      });
    });
  }
  return run;
}
