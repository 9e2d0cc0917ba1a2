import type { Clock } from "../report/index.js";

/** How a trial's launch ended: its run's final state, or no GPU free anywhere right now. */
export type TrialEnd =
  | {
      kind: "ended";
      run: string;
      /** `detached`: the sweep was interrupted and the run keeps going on its host. */
      state: "succeeded" | "failed" | "cancelled" | "lost" | "detached";
    }
  | { kind: "no_capacity" };

export interface QueuedTrial {
  id: string;
  /** GPUs the trial's run asks for (resources.gpus); 0 counts as one slot. */
  gpus: number;
}

export interface TrialQueueOptions {
  /** Free GPUs across the experiment's hosts when the sweep starts: trials run at most this wide. */
  slots: number;
  /** Trial ids whose runs already succeeded (a resumed sweep): never started again. */
  finished: ReadonlySet<string>;
  budget: { trials?: number; gpu_hours?: number };
  /** Start a trial's run and follow it to its end (its retry policy applied by the follower). */
  launch(trial: QueuedTrial): Promise<TrialEnd>;
  clock: Clock;
  signal?: AbortSignal;
  /** Wait after a launch found no free GPU before trying again (default 30 s). */
  retryMs?: number;
  /**
   * More trials when the list runs out and a slot and budget are free (random, tpe: Optuna
   * asks the next configuration); none: the sweep has no more.
   */
  more?: () => Promise<QueuedTrial[]>;
  /** Asked before each start; false (the sweep was cancelled): nothing new starts. */
  mayStart?: () => Promise<boolean>;
}

export interface QueueResult {
  /** Trial id -> run id and final state, for trials this pass ran. */
  ended: Map<string, { run: string; state: string }>;
  skipped: string[];
  /** Trials not started: the budget ran out, or the sweep was interrupted. */
  left: string[];
}

/**
 * The sweep's queue: trials in order, as many at once as there are GPU slots (a trial of g
 * GPUs takes g), each placed through the ordinary launch (the hosts' GPU leases decide where;
 * a launch that finds none free waits and tries again). Budgets count trials started and
 * GPU-hours spent (GPUs x wall time of each trial, running ones included).
 */
export async function runTrialQueue(
  trials: readonly QueuedTrial[],
  options: TrialQueueOptions,
): Promise<QueueResult> {
  const ended = new Map<string, { run: string; state: string }>();
  const skipped = trials.filter((t) => options.finished.has(t.id)).map((t) => t.id);
  const waiting = trials.filter((t) => !options.finished.has(t.id));
  const slots = Math.max(1, options.slots);
  const running = new Map<string, { trial: QueuedTrial; since: number; done: Promise<void> }>();
  let spentMs = 0;
  let started = skipped.length;

  const width = (t: QueuedTrial) => Math.min(slots, Math.max(1, t.gpus));
  const busy = () => [...running.values()].reduce((n, r) => n + width(r.trial), 0);
  const gpuHours = () => {
    const now = options.clock.now().getTime();
    const live = [...running.values()].reduce(
      (ms, r) => ms + Math.max(1, r.trial.gpus) * (now - r.since),
      0,
    );
    return (spentMs + live) / 3_600_000;
  };
  const budgetLeft = () =>
    (options.budget.trials === undefined || started < options.budget.trials) &&
    (options.budget.gpu_hours === undefined || gpuHours() < options.budget.gpu_hours);

  let exhausted = !options.more;
  let halted = false;
  while (!options.signal?.aborted) {
    if (!halted && waiting.length === 0 && !exhausted && budgetLeft() && busy() < slots) {
      const more = await options.more!();
      if (more.length === 0) exhausted = true;
      waiting.push(...more.filter((t) => !options.finished.has(t.id)));
      continue;
    }
    if (!halted && waiting.length > 0 && options.mayStart && !(await options.mayStart()))
      halted = true;
    const next = halted ? undefined : waiting[0];
    if (!next || !budgetLeft() || busy() + width(next) > slots) {
      if (running.size === 0) break;
      await Promise.race([...running.values()].map((r) => r.done));
      continue;
    }
    waiting.shift();
    started++;
    const since = options.clock.now().getTime();
    const done = options.launch(next).then(
      async (end) => {
        if (end.kind === "ended") {
          running.delete(next.id);
          spentMs += Math.max(1, next.gpus) * (options.clock.now().getTime() - since);
          ended.set(next.id, { run: end.run, state: end.state });
          return;
        }
        // No GPU free (other users' runs hold them): wait holding the slot, so the loop does
        // not spin, then back to the front of the queue.
        await options.clock.sleep(options.retryMs ?? 30_000, options.signal);
        running.delete(next.id);
        started--;
        waiting.unshift(next);
      },
      (error: unknown) => {
        running.delete(next.id);
        throw error;
      },
    );
    running.set(next.id, { trial: next, since, done });
  }
  await Promise.all([...running.values()].map((r) => r.done));
  return { ended, skipped, left: waiting.map((t) => t.id) };
}
