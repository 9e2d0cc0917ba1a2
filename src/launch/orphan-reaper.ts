import { hostWorkdir, releaseGpus } from "../hosts/index.js";
import { currentAttempt, isTerminal, type RunRecord } from "../runs/index.js";
import { containerName } from "./host-layout.js";
import type { LaunchDeps } from "./launch-deps.js";
import { applyEnd } from "./settle-attempt.js";
import { runOrphanReapFailed, runOrphanReaped } from "./events.js";

/**
 * Stop the trainers of attempts that were declared lost while their host was cut off, once
 * that host answers again: kill the container or process, remove it, and give its GPUs back
 * (unless the run's current attempt holds GPUs on that same host). An orphan on a host that
 * still does not answer is kept for the next try.
 */
export async function reapOrphans(deps: LaunchDeps, run: RunRecord): Promise<RunRecord> {
  if (!run.orphans?.length) return run;
  let latest = run;
  for (const orphan of run.orphans) {
    let host;
    try {
      host = await deps.hosts.get(orphan.host);
    } catch {
      continue;
    }
    const runtime = deps.runtime(orphan.runtime);
    const handle =
      orphan.handle ??
      (orphan.runtime === "process" ? undefined : containerName(run.id, orphan.attempt));
    try {
      if (handle) {
        await runtime.kill(host, handle).catch(() => undefined);
        await runtime.cleanup(host, handle);
      }
      const current = currentAttempt(run);
      if (isTerminal(run.state) || current?.host !== orphan.host) {
        await releaseGpus(host, hostWorkdir(deps.hosts.config(orphan.host)), run.id);
      }
      [latest] = await applyEnd(
        deps,
        run.id,
        { type: "orphan_reaped", attempt: orphan.attempt },
        `stopped attempt ${orphan.attempt} on ${orphan.host}, lost while the host was unreachable`,
      );
      runOrphanReaped.emit(
        deps.reporter,
        `${run.id}: stopped lost attempt ${orphan.attempt} on ${orphan.host}`,
        { run: run.id, attempt: orphan.attempt, host: orphan.host },
      );
    } catch (error) {
      runOrphanReapFailed.emit(
        deps.reporter,
        `${run.id}: attempt ${orphan.attempt} on ${orphan.host}: ${(error as Error).message}`,
        {
          run: run.id,
          attempt: orphan.attempt,
          host: orphan.host,
          error: (error as Error).message,
        },
      );
    }
  }
  return latest;
}
