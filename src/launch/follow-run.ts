import { InterruptedError } from "../errors/index.js";
import { monitorAttempt, type AttemptMonitor } from "../monitor/index.js";
import { currentAttempt, isTerminal, type MetricLine, type RunRecord } from "../runs/index.js";
import type { LaunchDeps } from "./launch-deps.js";
import { checkRun } from "./reconcile.js";
import { recordedExperiment, resumeRun } from "./resume-run.js";
import { retryDecision, unreachableSeconds } from "./retry-policy.js";
import { settleLost } from "./settle-attempt.js";
import { monitorStopFailed, runCheckFailed, runRetry, runRetryFailed } from "./events.js";
import { monitorUnreachable } from "../monitor/index.js";

export interface FollowOptions {
  onMetric?(line: MetricLine): void;
  onLog?(bytes: Buffer): void;
  /** Called whenever the run's record changes (state, unreachable). */
  onRecord?(run: RunRecord): void;
  /** Aborting detaches: the run keeps going on its host. */
  signal?: AbortSignal;
  pollMs?: number;
  /** Apply the experiment's retry policy (default true). */
  supervise?: boolean;
}

/**
 * Stay with a run until it ends: stream its metrics, log and checkpoints, check the trainer
 * every few seconds, settle the run when it exits, and, under the experiment's retry policy,
 * resume it from its last checkpoint (elsewhere when its host is gone). Returns the final record.
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
    const decision = options.supervise === false ? undefined : retryDecision(run, policy);
    if (!decision) break;
    const attempt = currentAttempt(run)!;
    const message = `retrying after ${run.state}${attempt.error ? ` (${attempt.error.message})` : ""} in ${Math.round(decision.delayMs / 1000)} s${decision.avoid.length ? `, away from ${decision.avoid.join(", ")}` : ""}`;
    runRetry.emit(deps.reporter, `${run.id}: ${message}`, {
      run: run.id,
      attempt: attempt.n,
      delay_ms: decision.delayMs,
      avoid: decision.avoid,
    });
    await deps.registry.appendEvent(run.id, {
      type: "retry.scheduled",
      attempt: attempt.n,
      message,
      data: { ...decision },
    });
    await deps.clock.sleep(decision.delayMs, options.signal);
    if (options.signal?.aborted) break;
    try {
      run = await resumeRun(deps, { runId, reason: "retry", avoid: decision.avoid });
    } catch (error) {
      runRetryFailed.emit(deps.reporter, `${run.id}: retry failed: ${(error as Error).message}`, {
        run: run.id,
        error: (error as Error).message,
      });
      run = await deps.registry.get(runId);
      if (!isTerminal(run.state)) continue;
      if (!retryDecision(run, policy)) break;
    }
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
  /** Lost because its host stopped answering: nothing to drain from it. */
  let hostGone = false;
  const n = currentAttempt(run)!.n;
  try {
    while (!isTerminal(run.state) && currentAttempt(run)!.n === n) {
      const attempt = currentAttempt(run)!;
      if (
        !monitor &&
        (run.state === "running" || run.state === "stopping") &&
        attempt.host &&
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
        runCheckFailed.emit(deps.reporter, error.message, { run: run.id, error: error.message });
        return run;
      });
      const away = unreachableSeconds(run, deps.clock.now());
      if (away > 0 && run.state === "running") {
        monitorUnreachable.emit(
          deps.reporter,
          `${currentAttempt(run)!.host} unreachable for ${Math.round(away)} s, retrying`,
          { host: currentAttempt(run)!.host ?? "", seconds: Math.round(away) },
        );
        if (away >= lostAfterS) {
          hostGone = true;
          run = await settleLost(
            deps,
            run,
            `${currentAttempt(run)!.host} unreachable for ${Math.round(away)} s`,
            { unreachable: true },
          );
        }
      }
      if (run.updated_at !== before) options.onRecord?.(run);
    }
  } finally {
    // Draining an unreachable host would only wait out the drain timeout before the retry.
    await monitor?.stop({ ended: !options.signal?.aborted && !hostGone }).catch((error: Error) => {
      monitorStopFailed.emit(deps.reporter, error.message, { run: run.id, error: error.message });
    });
  }
  return run;
}
