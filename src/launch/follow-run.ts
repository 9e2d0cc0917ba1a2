import { InterruptedError } from "../errors/index.js";
import { RunStreamer } from "../monitor/index.js";
import { report } from "../report/index.js";
import { currentAttempt, isTerminal, type MetricLine, type RunRecord } from "../runs/index.js";
import type { LaunchDeps } from "./launch-deps.js";
import { checkRun } from "./reconcile.js";

export interface FollowOptions {
  onMetric?(line: MetricLine): void;
  onLog?(bytes: Buffer): void;
  /** Called whenever the run's record changes (state, unreachable). */
  onRecord?(run: RunRecord): void;
  /** Aborting detaches: the run keeps going on its host. */
  signal?: AbortSignal;
  pollMs?: number;
}

/**
 * Stay with a run until it ends: stream its metrics and log by byte offset, check the trainer
 * every few seconds, and settle the run when it exits. Follows each new attempt too, so a
 * resumed run can be followed across attempts. Returns the final record.
 */
export async function followRun(
  deps: LaunchDeps,
  runId: string,
  options: FollowOptions = {},
): Promise<RunRecord> {
  const pollMs = options.pollMs ?? 2000;
  let run = await deps.registry.get(runId);
  while (!isTerminal(run.state)) {
    const attempt = currentAttempt(run)!;
    if (run.state !== "running" && run.state !== "stopping") {
      await deps.clock.sleep(pollMs, options.signal);
      if (options.signal?.aborted) break;
      run = await checkRun(deps, runId);
      continue;
    }
    const host = await deps.hosts.get(attempt.host!).catch(() => undefined);
    const streamer = host
      ? new RunStreamer({
          registry: deps.registry,
          runId,
          attempt: attempt.n,
          host,
          hostDir: attempt.host_dir!,
          reporter: deps.reporter,
          clock: deps.clock,
          ...(options.onMetric ? { onMetric: options.onMetric } : {}),
          ...(options.onLog ? { onLog: options.onLog } : {}),
        })
      : undefined;
    const streaming = streamer ? await streamer.start() : false;
    try {
      while (!isTerminal(run.state) && currentAttempt(run)!.n === attempt.n) {
        await deps.clock.sleep(pollMs, options.signal);
        if (options.signal?.aborted) break;
        const before = run.updated_at;
        run = await checkRun(deps, runId).catch((error: Error) => {
          report(deps.reporter, "warn", "run.check_failed", error.message);
          return run;
        });
        if (run.updated_at !== before) options.onRecord?.(run);
      }
    } finally {
      if (streaming) await streamer!.stop({ drain: !options.signal?.aborted });
    }
    if (options.signal?.aborted) break;
  }
  if (options.signal?.aborted && !isTerminal(run.state)) {
    throw new InterruptedError(`detached from ${runId}; it keeps running`, {
      code: "run.detached",
      hint: `re-attach with: tunectl attach ${runId}`,
    });
  }
  return run;
}
