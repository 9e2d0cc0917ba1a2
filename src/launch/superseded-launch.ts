import { hostWorkdir, releaseGpus } from "../hosts/index.js";
import {
  AttemptSupersededError,
  currentAttempt,
  isTerminal,
  type RunRecord,
} from "../runs/index.js";
import { launchSuperseded } from "./events.js";
import type { LaunchDeps } from "./launch-deps.js";
import type { Placement } from "./placement.js";

/** A launch whose attempt was ended meanwhile (a cancel while placing or launching). */

export async function ensureStillLaunching(
  deps: LaunchDeps,
  runId: string,
  n: number,
): Promise<void> {
  const latest = await deps.registry.get(runId);
  const attempt = currentAttempt(latest)!;
  if (attempt.n !== n || attempt.state !== "launching") {
    throw new AttemptSupersededError(runId, "started", attempt.state, n, "ended while launching");
  }
}

export async function stopStarted(
  deps: LaunchDeps,
  placed: Placement,
  handle: string,
): Promise<void> {
  const runtime = deps.runtime(placed.runtime);
  await runtime.kill(placed.host, handle).catch(() => undefined);
  await runtime.cleanup(placed.host, handle).catch(() => undefined);
}

/**
 * The attempt was ended by someone else while this launch worked on it: stop the trainer it
 * started, give back the GPUs it leased (unless a newer attempt of the run holds that host),
 * say so, and return the run as it is now.
 */
export async function standDown(
  deps: LaunchDeps,
  runId: string,
  n: number,
  placed: Placement | undefined,
  handle: string | undefined,
): Promise<RunRecord> {
  const latest = await deps.registry.get(runId);
  const current = currentAttempt(latest)!;
  if (placed && handle) await stopStarted(deps, placed, handle);
  const newerHere = current.n !== n && !isTerminal(latest.state) && current.host === placed?.name;
  let released = false;
  if (placed && !newerHere) {
    released = await releaseGpus(placed.host, hostWorkdir(placed.config), runId).then(
      () => true,
      () => false,
    );
  }
  launchSuperseded.emit(
    deps.reporter,
    `${runId}: attempt ${n} was ${latest.attempts.find((a) => a.n === n)?.state ?? "replaced"} while launching${handle ? `; stopped ${handle}` : ""}${released ? "; GPU leases released" : ""}`,
    {
      run: runId,
      attempt: n,
      state: latest.state,
      ...(handle ? { stopped: handle } : {}),
      released,
    },
  );
  return latest;
}
