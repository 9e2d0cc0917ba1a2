import { InterruptedError, isTunectlError } from "../errors/index.js";
import { followRun, resumeRun, startRun, type LaunchDeps } from "../launch/index.js";
import { isTerminal, type MetricLine, type RunRecord } from "../runs/index.js";
import { sweepTrialEnded, sweepTrialStarted } from "./events.js";
import { sweepLabel, trialLabel } from "./leaderboard.js";
import { trialSets } from "./resolve-trial.js";
import type { TrialEnd } from "./trial-queue.js";

export interface TrialToLaunch {
  id: string;
  params: Record<string, unknown>;
  /** The trial's latest run, if it has one: followed if active, resumed if interrupted. */
  latest?: RunRecord;
}

export interface TrialLaunchOptions {
  sweepId: string;
  experimentFile: string;
  signal?: AbortSignal;
  pollMs?: number;
  /** Each metric line of the trial's run as it streams back (early stopping reports them). */
  onMetric?(trial: string, run: string, line: MetricLine): void;
}

/**
 * Take up one trial and follow its run to the end: an active run (a scheduler that detached
 * left it) is followed again; a run that was cancelled (sweep cancel) or lost is resumed from
 * its newest checkpoint as a new attempt of the same run; otherwise a new run is started by the
 * code of `tunectl run`, labelled with the sweep and the trial. Ctrl-C: `detached`.
 */
export async function launchTrial(
  deps: LaunchDeps,
  trial: TrialToLaunch,
  options: TrialLaunchOptions,
): Promise<TrialEnd> {
  let runId: string;
  let how: "new" | "follow" | "resume";
  try {
    const latest = trial.latest;
    if (latest && !isTerminal(latest.state)) {
      runId = latest.id;
      how = "follow";
    } else if (latest && (latest.state === "cancelled" || latest.state === "lost")) {
      runId = (await resumeRun(deps, { runId: latest.id })).id;
      how = "resume";
    } else {
      const started = await startRun(
        {
          file: options.experimentFile,
          sets: trialSets(trial.params),
          labels: { [sweepLabel]: options.sweepId, [trialLabel]: trial.id },
        },
        deps,
      );
      if (started.kind !== "started") throw new Error("startRun planned instead of starting");
      runId = started.run.id;
      how = "new";
    }
  } catch (error) {
    if (isTunectlError(error) && error.code === "placement.no_capacity")
      return { kind: "no_capacity" };
    throw error;
  }
  sweepTrialStarted.emit(deps.reporter, `trial ${trial.id}: run ${runId} (${how})`, {
    sweep: options.sweepId,
    trial: trial.id,
    run: runId,
    how,
  });
  let state: Extract<TrialEnd, { kind: "ended" }>["state"];
  try {
    const final = await followRun(deps, runId, {
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.pollMs ? { pollMs: options.pollMs } : {}),
      ...(options.onMetric
        ? { onMetric: (line: MetricLine) => options.onMetric!(trial.id, runId, line) }
        : {}),
    });
    const s = final.state;
    state =
      s === "succeeded" || s === "failed" || s === "cancelled" || s === "lost" ? s : "detached";
  } catch (error) {
    // Interrupted (Ctrl-C): the follower let go and the run keeps going on its host.
    if (!(error instanceof InterruptedError)) throw error;
    state = "detached";
  }
  sweepTrialEnded.emit(deps.reporter, `trial ${trial.id}: run ${runId} ${state}`, {
    sweep: options.sweepId,
    trial: trial.id,
    run: runId,
    state,
  });
  return { kind: "ended", run: runId, state };
}
