import { stat } from "node:fs/promises";
import path from "node:path";
import { currentAttempt, type RunRecord, type RunRegistryPort } from "../runs/index.js";
import { systemClock, type Clock, type Reporter } from "../report/index.js";
import { settleDeferred } from "./events.js";
import type { MonitorHost } from "./ports.js";
import { RunStreamer } from "./run-streamer.js";
import { readStreamOrigin, remoteOffset } from "./stream-origin.js";

export interface SettleCatchUpOptions {
  reporter: Reporter;
  clock?: Clock;
  /** How long a catch-up of our own retries an unanswering host. Default 20 s. */
  drainTimeoutMs?: number;
  /** How long to wait for another streamer (this process's follower, another tunectl). Default 30 s. */
  waitMs?: number;
}

type Copied = { metrics: number; log: number; generations: number };

/**
 * A run is never settled while its streams are behind: called once its trainer has exited
 * (the host's files are final), this copies the current attempt's metrics and log up to the
 * host files' sizes (generations.jsonl too), or, when another process streams the attempt, waits for it to get there.
 * False (with `monitor.settle_deferred`) when they are still behind: the caller leaves the
 * run as it is and checks again later.
 */
export async function streamsCaughtUp(
  registry: Pick<RunRegistryPort, "get" | "apply" | "paths">,
  run: RunRecord,
  host: MonitorHost,
  options: SettleCatchUpOptions,
): Promise<boolean> {
  const attempt = currentAttempt(run);
  if (!attempt?.host_dir) return true;
  const clock = options.clock ?? systemClock;
  const hostDir = attempt.host_dir;
  const defer = (reason: string, local: Copied, remote: Partial<Copied>) => {
    settleDeferred.emit(
      options.reporter,
      `${run.id}: not settled yet: ${reason} (metrics ${local.metrics} of ${remote.metrics ?? "?"} bytes, log ${local.log} of ${remote.log ?? "?"})`,
      {
        host: host.name,
        attempt: attempt.n,
        metrics: { local: local.metrics, host: remote.metrics ?? null },
        log: { local: local.log, host: remote.log ?? null },
        reason,
      },
    );
    return false;
  };
  let target: Copied;
  try {
    const size = async (file: string) =>
      (await host.stat(path.posix.join(hostDir, "output", file)))?.size ?? 0;
    target = {
      metrics: await size("metrics.jsonl"),
      log: await size(`logs/attempt-${attempt.n}.log`),
      generations: await size("generations.jsonl"),
    };
  } catch (error) {
    const local = await copied(registry, run.id, attempt.n);
    return defer(
      `${host.name} did not say how large its files are: ${(error as Error).message}`,
      local,
      {},
    );
  }
  const reached = (local: Copied) =>
    local.metrics >= target.metrics &&
    local.log >= target.log &&
    local.generations >= target.generations;
  if (reached(await copied(registry, run.id, attempt.n))) return true;
  const streamer = new RunStreamer({
    registry,
    runId: run.id,
    attempt: attempt.n,
    host,
    hostDir,
    reporter: options.reporter,
    clock,
    drainTimeoutMs: options.drainTimeoutMs ?? 20_000,
  });
  const outcome = await streamer.catchUp();
  if (outcome === "caught-up") return true;
  if (outcome === "incomplete") {
    const local = await copied(registry, run.id, attempt.n);
    return defer(`the end of its output could not be copied from ${host.name}`, local, target);
  }
  // Another streamer holds the attempt: wait for its copies to reach the host's final sizes.
  const waitMs = options.waitMs ?? 30_000;
  const deadline = clock.now().getTime() + waitMs;
  for (let polls = 0; ; polls++) {
    const local = await copied(registry, run.id, attempt.n);
    if (reached(local)) return true;
    // bounded by polls too, so a clock that does not move (a test's) still ends
    if (clock.now().getTime() >= deadline || polls >= waitMs / 200) {
      return defer("the tunectl streaming it has not caught up", local, target);
    }
    await clock.sleep(200);
  }
}

/** Remote offsets the local files stand for (see stream-origin.ts). */
async function copied(
  registry: Pick<RunRegistryPort, "paths">,
  runId: string,
  attempt: number,
): Promise<Copied> {
  const paths = registry.paths(runId);
  const length = async (file: string) => (await stat(file).catch(() => null))?.size ?? 0;
  const origin = await readStreamOrigin(paths.dir, attempt);
  return {
    metrics: remoteOffset(origin, "metrics", await length(paths.metrics)),
    log: await length(paths.attemptLog(attempt)),
    generations: remoteOffset(origin, "generations", await length(paths.generations)),
  };
}
