import { isTunectlError } from "../errors/index.js";
import { currentAttempt, isTerminal } from "../runs/index.js";
import { supervisorFollowFailed, supervisorFollowing } from "./events.js";
import { followRun } from "./follow-run.js";
import type { LaunchDeps } from "./launch-deps.js";

export interface SuperviseOptions {
  /** Aborting stops supervising (the runs keep going on their hosts). */
  signal: AbortSignal;
  /** How often the registry is read for runs to pick up. */
  intervalMs: number;
  /** Between checks of each followed run. */
  pollMs?: number;
}

export interface Supervisor {
  /** Ids of the runs being followed now. */
  readonly followed: ReadonlySet<string>;
  /** Settles once the signal aborted and every follower let go. */
  readonly done: Promise<void>;
}

/**
 * `tunectl watch`'s core: follow every active run of the registry (stream it, settle it, apply
 * its retry policy) until the signal aborts, picking up new runs every `intervalMs`. A follower
 * that fails is reported (`supervisor.follow_failed`) and picked up again on the next pass.
 */
export function superviseRuns(deps: LaunchDeps, options: SuperviseOptions): Supervisor {
  const followed = new Map<string, Promise<void>>();
  const pass = async () => {
    for (const run of await deps.registry.list()) {
      if (isTerminal(run.state) || followed.has(run.id)) continue;
      supervisorFollowing.emit(deps.reporter, `following ${run.id}`, {
        run: run.id,
        attempt: currentAttempt(run)?.n ?? 0,
      });
      followed.set(
        run.id,
        followRun(deps, run.id, {
          signal: options.signal,
          ...(options.pollMs ? { pollMs: options.pollMs } : {}),
        })
          .then(() => undefined)
          .catch((error: unknown) => {
            if (options.signal.aborted) return;
            supervisorFollowFailed.emit(
              deps.reporter,
              `${run.id}: following stopped: ${(error as Error).message}`,
              {
                run: run.id,
                error: (error as Error).message,
                ...(isTunectlError(error) ? { code: error.code } : {}),
              },
            );
          })
          .finally(() => followed.delete(run.id)),
      );
    }
  };
  const done = (async () => {
    while (!options.signal.aborted) {
      await pass().catch((error: unknown) => {
        supervisorFollowFailed.emit(
          deps.reporter,
          `reading the registry failed: ${(error as Error).message}`,
          { run: "", error: (error as Error).message },
        );
      });
      await deps.clock.sleep(options.intervalMs, options.signal);
    }
    await Promise.allSettled(followed.values());
  })();
  return {
    get followed() {
      return new Set(followed.keys());
    },
    done,
  };
}
