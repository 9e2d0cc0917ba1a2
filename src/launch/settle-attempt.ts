import { releaseGpus, hostWorkdir, type RemoteHost } from "../hosts/index.js";
import { currentAttempt, isTerminal, type RunRecord } from "../runs/index.js";
import { attemptOutcome } from "./attempt-outcome.js";
import { layoutFromRunDir } from "./host-layout.js";
import type { LaunchDeps } from "./launch-deps.js";
import { runtimeFor } from "./runtime-for.js";
import { launchLeaseReleaseFailed } from "./events.js";

/** Give back the attempt's GPU leases; a host that cannot be reached keeps them until it is (then they are reclaimed as dead). */
export async function releaseAttemptLeases(deps: LaunchDeps, run: RunRecord): Promise<void> {
  const attempt = currentAttempt(run);
  if (!attempt?.host) return;
  try {
    const host = await deps.hosts.get(attempt.host);
    await releaseGpus(host, hostWorkdir(deps.hosts.config(attempt.host)), run.id);
  } catch (error) {
    launchLeaseReleaseFailed.emit(
      deps.reporter,
      `could not release GPU leases on ${attempt.host}: ${(error as Error).message}`,
      { run: run.id, host: attempt.host ?? "", error: (error as Error).message },
    );
  }
}

/** The attempt's process exited: record how it ended, release its leases, remove the stopped container. */
export async function settleExited(
  deps: LaunchDeps,
  run: RunRecord,
  host: RemoteHost,
  exitCode: number,
): Promise<RunRecord> {
  const attempt = currentAttempt(run)!;
  if (isTerminal(run.state)) return run;
  const layout = layoutFromRunDir(attempt.host_dir!);
  const outcome = await attemptOutcome(host, layout, run, attempt.n, exitCode);
  const settled = await deps.registry.setState(
    run.id,
    outcome.state,
    {
      exit_code: exitCode,
      ...(outcome.step === undefined ? {} : { final_step: outcome.step }),
      ...(outcome.error ? { error: outcome.error } : {}),
      unreachable_since: null,
    },
    outcome.error
      ? `${outcome.state}: ${outcome.error.message}`
      : `${outcome.state} (exit ${exitCode})`,
  );
  await releaseAttemptLeases(deps, settled);
  if (attempt.handle && attempt.runtime) {
    await runtimeFor(attempt.runtime)
      .cleanup(host, attempt.handle)
      .catch(() => undefined);
  }
  return settled;
}

/** The host answers but the container or process is gone without an exit status. */
export async function settleLost(
  deps: LaunchDeps,
  run: RunRecord,
  why: string,
  { unreachable = false }: { unreachable?: boolean } = {},
): Promise<RunRecord> {
  if (isTerminal(run.state)) return run;
  const settled = await deps.registry.setState(
    run.id,
    "lost",
    { error: { code: "run.lost", message: why }, unreachable_since: null },
    `lost: ${why}`,
  );
  const attempt = currentAttempt(settled)!;
  if (unreachable && attempt.host && attempt.runtime && attempt.host_dir) {
    // Its trainer may live on behind the cut: remember it, to stop it when the host is back.
    const orphan = {
      attempt: attempt.n,
      host: attempt.host,
      runtime: attempt.runtime,
      host_dir: attempt.host_dir,
      ...(attempt.handle ? { handle: attempt.handle } : {}),
    };
    return deps.registry.update(run.id, (record) => {
      record.orphans = [...(record.orphans ?? []), orphan];
    });
  }
  await releaseAttemptLeases(deps, settled);
  return settled;
}
