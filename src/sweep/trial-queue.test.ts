import { describe, expect, it } from "vitest";
import { ManualClock } from "../report/index.js";
import { runTrialQueue, type QueuedTrial, type TrialEnd } from "./trial-queue.js";

/** A launch whose runs end when the test says, recording how many run at once. */
function fakeLaunches(clock: ManualClock) {
  const pending = new Map<string, (end: TrialEnd) => void>();
  const started: string[] = [];
  let live = 0;
  let widest = 0;
  const launch = (trial: QueuedTrial) =>
    new Promise<TrialEnd>((resolve) => {
      started.push(trial.id);
      live++;
      widest = Math.max(widest, live);
      pending.set(trial.id, (end) => {
        live--;
        pending.delete(trial.id);
        resolve(end);
      });
    });
  const tick = () => new Promise((resolve) => setImmediate(resolve));
  /** End the oldest running trial after `hours` of wall time. */
  const finishOldest = async (hours = 1, state: "succeeded" | "failed" = "succeeded") => {
    await tick();
    const [id, end] = [...pending][0]!;
    clock.advance(hours * 3_600_000);
    end({ kind: "ended", run: `run-${id}`, state });
    await tick();
  };
  return { launch, started, pending, finishOldest, widest: () => widest };
}

const trials = (n: number, gpus = 1): QueuedTrial[] =>
  Array.from({ length: n }, (_, i) => ({ id: `t${i}`, gpus }));

async function drain<T>(queue: Promise<T>, kit: ReturnType<typeof fakeLaunches>): Promise<T> {
  let done = false;
  void queue.then(() => (done = true));
  for (let i = 0; i < 100 && !done; i++) {
    if (kit.pending.size > 0) await kit.finishOldest();
    else await new Promise((resolve) => setImmediate(resolve));
  }
  return queue;
}

describe("sweep trial queue", () => {
  it("runs at most one trial per free GPU and every trial once, in order", async () => {
    const clock = new ManualClock();
    const kit = fakeLaunches(clock);
    const queue = runTrialQueue(trials(6), {
      slots: 3,
      finished: new Set(),
      budget: {},
      launch: kit.launch,
      clock,
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(kit.started).toEqual(["t0", "t1", "t2"]);
    const result = await drain(queue, kit);
    expect(kit.widest()).toBe(3);
    expect(kit.started).toEqual(["t0", "t1", "t2", "t3", "t4", "t5"]);
    expect([...result.ended.keys()].sort()).toEqual(["t0", "t1", "t2", "t3", "t4", "t5"]);
    expect(result.ended.get("t4")).toEqual({ run: "run-t4", state: "succeeded" });
    expect(result.left).toEqual([]);
  });

  it("packs trials by GPU count: a 2-GPU trial takes two slots", async () => {
    const clock = new ManualClock();
    const kit = fakeLaunches(clock);
    const queue = runTrialQueue(trials(4, 2), {
      slots: 5,
      finished: new Set(),
      budget: {},
      launch: kit.launch,
      clock,
    });
    await drain(queue, kit);
    expect(kit.widest()).toBe(2);
  });

  it("a resumed sweep skips trials that already finished", async () => {
    const clock = new ManualClock();
    const kit = fakeLaunches(clock);
    const queue = runTrialQueue(trials(5), {
      slots: 2,
      finished: new Set(["t0", "t3"]),
      budget: {},
      launch: kit.launch,
      clock,
    });
    const result = await drain(queue, kit);
    expect(kit.started).toEqual(["t1", "t2", "t4"]);
    expect(result.skipped).toEqual(["t0", "t3"]);
  });

  it("stops starting trials at the trial budget (finished ones count) and the GPU-hour budget", async () => {
    const clock = new ManualClock();
    const kit = fakeLaunches(clock);
    const byTrials = await drain(
      runTrialQueue(trials(6), {
        slots: 2,
        finished: new Set(["t0"]),
        budget: { trials: 3 },
        launch: kit.launch,
        clock,
      }),
      kit,
    );
    expect(kit.started).toEqual(["t1", "t2"]);
    expect(byTrials.left).toEqual(["t3", "t4", "t5"]);

    const hours = fakeLaunches(clock);
    // one slot, each trial 1 GPU-hour: after 2 trials 2 GPU-hours are spent
    const byHours = await drain(
      runTrialQueue(trials(5), {
        slots: 1,
        finished: new Set(),
        budget: { gpu_hours: 2 },
        launch: hours.launch,
        clock,
      }),
      hours,
    );
    expect(hours.started).toEqual(["t0", "t1"]);
    expect(byHours.left).toEqual(["t2", "t3", "t4"]);
  });

  it("a launch that finds no free GPU waits and tries the same trial again", async () => {
    const clock = new ManualClock();
    let refusals = 1;
    const launched: string[] = [];
    const result = await runTrialQueue(trials(2), {
      slots: 1,
      finished: new Set(),
      budget: {},
      clock,
      retryMs: 5_000,
      launch: async (trial) => {
        launched.push(trial.id);
        if (refusals-- > 0) return { kind: "no_capacity" };
        return { kind: "ended", run: `run-${trial.id}`, state: "failed" };
      },
    });
    expect(launched).toEqual(["t0", "t0", "t1"]);
    expect(clock.sleeps).toEqual([5_000]);
    expect(result.ended.get("t0")).toEqual({ run: "run-t0", state: "failed" });
  });

  it("stops starting trials when interrupted; running ones are awaited", async () => {
    const clock = new ManualClock();
    const kit = fakeLaunches(clock);
    const abort = new AbortController();
    const queue = runTrialQueue(trials(4), {
      slots: 2,
      finished: new Set(),
      budget: {},
      launch: kit.launch,
      clock,
      signal: abort.signal,
    });
    await new Promise((resolve) => setImmediate(resolve));
    abort.abort();
    await kit.finishOldest();
    await kit.finishOldest();
    const result = await queue;
    expect(kit.started).toEqual(["t0", "t1"]);
    expect(result.left).toEqual(["t2", "t3"]);
  });
});
