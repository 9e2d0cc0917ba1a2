import os from "node:os";
import { catchUpRun, streamsCaughtUp } from "../monitor/index.js";
import { currentAttempt, isTerminal, type Attempt, type RunRecord } from "../runs/index.js";
import type { AttemptProbe } from "./container-runtime.js";
import { containerName, layoutFromRunDir } from "./host-layout.js";
import type { LaunchDeps } from "./launch-deps.js";
import { reapOrphans } from "./orphan-reaper.js";
import { runtimeFor } from "./runtime-for.js";
import { releaseAttemptLeases, settleExited, settleLost } from "./settle-attempt.js";
import { runCatchUpFailed, runCheckFailed, runUnreachable } from "./events.js";

const launchingStates = new Set(["pending", "staging", "placing", "launching"]);

function launcherAlive(attempt: Attempt): boolean {
  if (!attempt.launcher) return true;
  if (attempt.launcher.machine !== os.hostname()) return true; // another workstation's launch: not ours to judge
  if (attempt.launcher.pid === process.pid) return true;
  try {
    process.kill(attempt.launcher.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The handle an attempt has, or would have had: container names and pid files are deterministic. */
export async function probeAttempt(
  deps: LaunchDeps,
  run: RunRecord,
  attempt: Attempt,
): Promise<AttemptProbe> {
  const host = await deps.hosts.get(attempt.host!);
  const runtime = runtimeFor(attempt.runtime ?? deps.hosts.config(attempt.host!).runtime);
  const layout = layoutFromRunDir(attempt.host_dir!);
  const handle =
    attempt.handle ?? (runtime.kind === "process" ? "" : containerName(run.id, attempt.n));
  return runtime.probe(host, handle, layout, attempt.n);
}

/**
 * Bring one run's record in line with its host: an exited trainer settles the run, a vanished
 * one makes it lost, an unreachable host only marks it "unreachable since" (never lost: the
 * host may come back), and a launch whose tunectl died is adopted or failed.
 */
/** Whether `ps` must ask a host about this run: it is active, or left a trainer behind a cut. */
export function needsHost(run: RunRecord): boolean {
  return !isTerminal(run.state) || (run.orphans?.length ?? 0) > 0;
}

export async function checkRun(deps: LaunchDeps, runId: string): Promise<RunRecord> {
  const run = await deps.registry.get(runId);
  const attempt = currentAttempt(run);
  if (!attempt || isTerminal(run.state)) return run;

  if (launchingStates.has(run.state)) {
    if (launcherAlive(attempt)) return run;
    if (attempt.host && attempt.host_dir && run.state === "launching") {
      const probe = await probeAttempt(deps, run, attempt).catch(() => undefined);
      if (probe?.state === "running") {
        const handle = attempt.handle ?? containerName(run.id, attempt.n);
        return deps.registry.setState(
          run.id,
          "running",
          { handle },
          "running (adopted after the launching tunectl exited)",
        );
      }
    }
    const failed = await deps.registry.setState(
      run.id,
      "failed",
      {
        error: { code: "launch.interrupted", message: "tunectl exited before the trainer started" },
      },
      "failed: tunectl exited before the trainer started",
    );
    await releaseAttemptLeases(deps, failed);
    return failed;
  }

  if (!attempt.host || !attempt.host_dir) return run;
  let probe: AttemptProbe;
  let host;
  try {
    host = await deps.hosts.get(attempt.host);
    probe = await probeAttempt(deps, run, attempt);
  } catch (error) {
    if (!attempt.unreachable_since) {
      runUnreachable.emit(
        deps.reporter,
        `${run.id}: ${attempt.host} unreachable (${(error as Error).message})`,
        { run: run.id, host: attempt.host ?? "", error: (error as Error).message },
      );
      return deps.registry.update(run.id, (record) => {
        currentAttempt(record)!.unreachable_since = deps.clock.now().toISOString();
      });
    }
    return run;
  }
  if (probe.state === "running") {
    if (attempt.unreachable_since) {
      return deps.registry.update(run.id, (record) => {
        currentAttempt(record)!.unreachable_since = null;
      });
    }
    return run;
  }
  // Never settled while its streams are behind: the trainer is gone, so the host's files are final.
  const caughtUp = { reporter: deps.reporter, clock: deps.clock };
  if (!(await streamsCaughtUp(deps.registry, run, host, caughtUp))) return run;
  const latest = await deps.registry.get(run.id); // another follower may have settled it meanwhile
  if (isTerminal(latest.state)) return latest;
  if (probe.state === "exited") return settleExited(deps, run, host, probe.exitCode);
  return settleLost(
    deps,
    run,
    `the ${attempt.runtime ?? "trainer"} on ${attempt.host} is gone without an exit status`,
  );
}

/**
 * A run found ended by a command that was not streaming it (a detached run seen by `ps` or
 * `cancel`): bring its log, metrics and checkpoints home once, as a follower would have, so
 * `logs`, `show` and `checkpoints` see the whole run. Another tunectl still streaming it keeps
 * its streams (the stream lock says so); failures only warn: the run has ended either way.
 */
export async function catchUpEnded(deps: LaunchDeps, run: RunRecord): Promise<void> {
  const attempt = currentAttempt(run);
  if (!attempt?.host || !attempt.host_dir) return;
  try {
    const host = await deps.hosts.get(attempt.host);
    await catchUpRun(deps.registry, await deps.registry.get(run.id), {
      host,
      store: await deps.store(),
      reporter: deps.reporter,
    });
  } catch (error) {
    runCatchUpFailed.emit(
      deps.reporter,
      `${run.id}: could not copy its last logs and checkpoints home: ${(error as Error).message} (tunectl sync ${run.id} retries)`,
      { run: run.id, error: (error as Error).message },
    );
  }
}

/** `ps`: every active run checked against its host, concurrently; one dead host never stalls the rest. */
export async function reconcileActiveRuns(deps: LaunchDeps): Promise<RunRecord[]> {
  const runs = (await deps.registry.list()).filter((run) => needsHost(run));
  return Promise.all(
    runs.map(async (run) => {
      try {
        await reapOrphans(deps, run);
        const checked = await checkRun(deps, run.id);
        if (isTerminal(checked.state)) await catchUpEnded(deps, checked);
        return checked;
      } catch (error) {
        runCheckFailed.emit(deps.reporter, `${run.id}: ${(error as Error).message}`, {
          run: run.id,
          error: (error as Error).message,
        });
        return run;
      }
    }),
  );
}
