import type { RetryConfig } from "../config/index.js";
import { isTunectlError } from "../errors/index.js";
import { currentAttempt, isTerminal, type RunRecord } from "../runs/index.js";
import { supervisorEnded, supervisorRetryFailed, supervisorRetryScheduled } from "./events.js";
import type { LaunchDeps } from "./launch-deps.js";
import { resumeRun } from "./resume-run.js";
import { retryDecision } from "./retry-policy.js";

/**
 * The supervisor's step after an attempt ended: under the experiment's retry policy, schedule a
 * retry (a `retry_scheduled` event on the run), wait out its backoff and resume the run from its
 * newest checkpoint, away from a host that vanished. Returns the run with its new attempt, or
 * undefined when the run is done (succeeded, cancelled, out of restarts, or detached). A retry
 * that fails is reported (`supervisor.retry_failed`) and, when the run ended again, decided anew.
 */
export async function retryEnded(
  deps: LaunchDeps,
  ended: RunRecord,
  policy: RetryConfig,
  signal?: AbortSignal,
): Promise<RunRecord | undefined> {
  let run = ended;
  for (;;) {
    const decision = retryDecision(run, policy);
    if (!decision) {
      supervisorEnded.emit(deps.reporter, `${run.id} ended ${run.state}`, {
        run: run.id,
        state: run.state,
        attempts: run.attempts.length,
      });
      return undefined;
    }
    const attempt = currentAttempt(run)!;
    const message = `retrying after ${run.state}${attempt.error ? ` (${attempt.error.message})` : ""} in ${Math.round(decision.delayMs / 1000)} s${decision.avoid.length ? `, away from ${decision.avoid.join(", ")}` : ""}`;
    supervisorRetryScheduled.emit(deps.reporter, `${run.id}: ${message}`, {
      run: run.id,
      attempt: attempt.n,
      because: decision.because,
      delay_ms: decision.delayMs,
      avoid: decision.avoid,
    });
    await deps.registry.apply(
      run.id,
      {
        type: "retry_scheduled",
        attempt: attempt.n,
        delay_ms: decision.delayMs,
        avoid: decision.avoid,
        because: decision.because,
      },
      message,
    );
    await deps.clock.sleep(decision.delayMs, signal);
    if (signal?.aborted) return undefined;
    try {
      return await resumeRun(deps, { runId: run.id, reason: "retry", avoid: decision.avoid });
    } catch (error) {
      supervisorRetryFailed.emit(
        deps.reporter,
        `${run.id}: retry failed: ${(error as Error).message}`,
        {
          run: run.id,
          error: (error as Error).message,
          ...(isTunectlError(error) ? { code: error.code } : {}),
        },
      );
      run = await deps.registry.get(run.id);
      // The failed launch left an active attempt (another tunectl took it over): follow that.
      if (!isTerminal(run.state)) return run;
      // Nothing new was added (the resume was refused before its attempt): stop here.
      if (currentAttempt(run)!.n === attempt.n) return undefined;
    }
  }
}
