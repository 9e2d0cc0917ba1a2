import { describe, expect, it } from "vitest";
import type { LifecycleEvent } from "./lifecycle-event.js";
import { AttemptSupersededError, IllegalEventError, accepts, reduceRun } from "./run-reducer.js";
import type { Placement, RunRecord } from "./run-record.js";
import { runStates, type RunState } from "./run-state.js";

const t0 = "2026-01-01T00:00:00.000Z";
const launcher = { pid: 42, machine: "laptop" };
const placement: Placement = { host: "h1", gpus: [0, 1], runtime: "docker", host_dir: "/w/runs/r" };

function fresh(): RunRecord {
  return {
    schema: 2,
    id: "r-20260101-000000-abcd",
    name: "r",
    created_at: t0,
    updated_at: t0,
    state: "pending",
    model: "m",
    image: "i",
    gpus_requested: 2,
    attempts: [{ n: 1, state: "pending", reason: "launch", created_at: t0 }],
    restarts: 0,
  };
}

let clock = 0;
const at = () => new Date(Date.parse(t0) + ++clock * 1000).toISOString();

function play(run: RunRecord, ...events: LifecycleEvent[]): RunRecord {
  return events.reduce((r, e) => reduceRun(r, e, at()), run);
}

const n = (run: RunRecord) => run.attempts.at(-1)!.n;
/** The events that take the current attempt of a run from pending to each state. */
const to = {
  staging: (r: RunRecord) => play(r, { type: "staging_started", attempt: n(r), launcher }),
  placing: (r: RunRecord) =>
    play(to.staging(r), { type: "placing_started", attempt: n(r), launcher }),
  launching: (r: RunRecord) => play(to.placing(r), { type: "placed", attempt: n(r), placement }),
  running: (r: RunRecord) =>
    play(to.launching(r), { type: "started", attempt: n(r), handle: "c1" }),
  stopping: (r: RunRecord) => play(to.running(r), { type: "cancel_requested", attempt: n(r) }),
  succeeded: (r: RunRecord) => play(to.running(r), { type: "exited", attempt: n(r), exit_code: 0 }),
  failed: (r: RunRecord) => play(to.running(r), { type: "exited", attempt: n(r), exit_code: 1 }),
  cancelled: (r: RunRecord) => play(to.running(r), { type: "cancelled", attempt: n(r), why: "x" }),
  lost: (r: RunRecord) =>
    play(to.running(r), {
      type: "lost",
      attempt: n(r),
      error: { code: "run.lost", message: "gone" },
      cause: "gone",
    }),
};
const inState = (state: RunState): RunRecord =>
  state === "pending" ? fresh() : to[state as Exclude<RunState, "pending">](fresh());

describe("the run reducer", () => {
  it("walks an attempt pending -> staging -> placing -> launching -> running -> succeeded", () => {
    const run = to.succeeded(fresh());
    const attempt = run.attempts[0]!;
    expect(run.state).toBe("succeeded");
    expect(attempt).toMatchObject({ state: "succeeded", ...placement, handle: "c1", exit_code: 0 });
    expect(attempt.started_at).toBeDefined();
    expect(attempt.ended_at).toBeDefined();
    // fields of the live states are gone once it ended
    expect(attempt).not.toHaveProperty("launcher");
    expect(attempt).not.toHaveProperty("link");
  });

  it("keeps only each variant's fields", () => {
    expect(to.placing(fresh()).attempts[0]).toEqual({
      n: 1,
      reason: "launch",
      created_at: t0,
      state: "placing",
      launcher,
    });
    const launching = to.launching(fresh()).attempts[0]!;
    expect(launching).toMatchObject({ state: "launching", ...placement, launcher });
    expect(launching).not.toHaveProperty("handle");
    const running = to.running(fresh()).attempts[0]!;
    expect(running).toMatchObject({ state: "running", handle: "c1", link: { state: "reachable" } });
    expect(running).not.toHaveProperty("launcher");
    expect(to.stopping(fresh()).attempts[0]!.stop?.requested_at).toBeDefined();
  });

  it("does not change the record it is given", () => {
    const run = to.running(fresh());
    const copy = structuredClone(run);
    reduceRun(run, { type: "exited", attempt: 1, exit_code: 0 }, at());
    expect(run).toEqual(copy);
  });

  it("decides how an exit ends the attempt: 0 succeeded; 75 after a cancel cancelled; else failed", () => {
    expect(play(to.running(fresh()), { type: "exited", attempt: 1, exit_code: 0 }).state).toBe(
      "succeeded",
    );
    expect(play(to.stopping(fresh()), { type: "exited", attempt: 1, exit_code: 75 }).state).toBe(
      "cancelled",
    );
    expect(play(to.stopping(fresh()), { type: "exited", attempt: 1, exit_code: 0 }).state).toBe(
      "succeeded",
    );
    const stopped = { code: "trainer.stopped", message: "SIGTERM from outside" };
    const outside = play(to.running(fresh()), {
      type: "exited",
      attempt: 1,
      exit_code: 75,
      error: stopped,
    });
    expect(outside.state).toBe("failed");
    expect(outside.attempts[0]!.error).toEqual(stopped);
    const crashed = play(to.running(fresh()), {
      type: "exited",
      attempt: 1,
      exit_code: 3,
      final_step: 7,
    });
    expect(crashed.attempts[0]).toMatchObject({
      state: "failed",
      exit_code: 3,
      final_step: 7,
      error: { code: "trainer.failed" },
    });
    // a cancelled trainer that died of something else keeps the reason
    const full = { code: "host.disk_full", message: "disk full" };
    const cancelledFull = play(to.stopping(fresh()), {
      type: "exited",
      attempt: 1,
      exit_code: 1,
      error: full,
    });
    expect(cancelledFull.attempts[0]).toMatchObject({ state: "cancelled", error: full });
  });

  it("cancels from every active state, before or after the trainer started", () => {
    for (const state of [
      "pending",
      "staging",
      "placing",
      "launching",
      "running",
      "stopping",
    ] as const) {
      const run = play(inState(state), { type: "cancelled", attempt: 1, why: "asked" });
      expect(run.state, state).toBe("cancelled");
      expect(run.attempts[0]!.ended_at).toBeDefined();
    }
    // placement survives a cancel while launching, so its leases can be found and released
    const cancelled = play(to.launching(fresh()), { type: "cancelled", attempt: 1, why: "asked" });
    expect(cancelled.attempts[0]).toMatchObject({ state: "cancelled", host: "h1", gpus: [0, 1] });
  });

  it("tells a launcher its attempt was cancelled while placing or launching (superseded)", () => {
    const whilePlacing = play(to.placing(fresh()), { type: "cancelled", attempt: 1, why: "asked" });
    expect(() => reduceRun(whilePlacing, { type: "placed", attempt: 1, placement }, at())).toThrow(
      AttemptSupersededError,
    );
    const whileLaunching = play(to.launching(fresh()), {
      type: "cancelled",
      attempt: 1,
      why: "asked",
    });
    expect(() =>
      reduceRun(whileLaunching, { type: "started", attempt: 1, handle: "c1" }, at()),
    ).toThrow(AttemptSupersededError);
    expect(() =>
      reduceRun(
        whileLaunching,
        { type: "launch_failed", attempt: 1, error: { code: "x", message: "x" } },
        at(),
      ),
    ).toThrow(AttemptSupersededError);
  });

  it("tells a process acting on an earlier attempt that it was superseded", () => {
    const second = play(to.failed(fresh()), {
      type: "attempt_created",
      attempt: 2,
      reason: "retry",
      resume_from: null,
    });
    expect(() => reduceRun(second, { type: "started", attempt: 1, handle: "old" }, at())).toThrow(
      AttemptSupersededError,
    );
    // a second resume racing the first
    expect(() =>
      reduceRun(
        second,
        { type: "attempt_created", attempt: 2, reason: "resume", resume_from: null },
        at(),
      ),
    ).toThrow(AttemptSupersededError);
  });

  it("refuses events a state does not take, naming the event and the state", () => {
    const refusals: Array<[RunState, LifecycleEvent]> = [
      ["pending", { type: "started", attempt: 1, handle: "c" }],
      ["pending", { type: "exited", attempt: 1, exit_code: 0 }],
      ["staging", { type: "placed", attempt: 1, placement }],
      ["placing", { type: "cancel_requested", attempt: 1 }],
      ["running", { type: "placed", attempt: 1, placement }],
      ["running", { type: "attempt_created", attempt: 2, reason: "resume", resume_from: null }],
      ["succeeded", { type: "attempt_created", attempt: 2, reason: "resume", resume_from: null }],
      ["failed", { type: "attempt_created", attempt: 2, reason: "launch", resume_from: null }],
      ["failed", { type: "attempt_created", attempt: 3, reason: "retry", resume_from: null }],
      [
        "pending",
        { type: "lost", attempt: 1, error: { code: "run.lost", message: "x" }, cause: "gone" },
      ],
      ["running", { type: "started", attempt: 2, handle: "c" }],
      [
        "succeeded",
        { type: "retry_scheduled", attempt: 1, delay_ms: 1, avoid: [], because: "failed" },
      ],
    ];
    for (const [state, event] of refusals) {
      const run = inState(state);
      expect(accepts(run, event), `${event.type} in ${state}`).toBe(false);
      expect(() => reduceRun(run, event, at())).toThrow(IllegalEventError);
    }
    expect(() => reduceRun(fresh(), { type: "started", attempt: 1, handle: "c" }, at())).toThrow(
      /event started is not allowed for attempt 1 in state pending/,
    );
  });

  it("ends only once: every ending event is refused on every ended attempt", () => {
    const endings: LifecycleEvent[] = [
      { type: "exited", attempt: 1, exit_code: 0 },
      { type: "cancelled", attempt: 1, why: "x" },
      { type: "lost", attempt: 1, error: { code: "run.lost", message: "x" }, cause: "gone" },
      { type: "launch_failed", attempt: 1, error: { code: "x", message: "x" } },
    ];
    for (const state of ["succeeded", "failed", "cancelled", "lost"] as const) {
      for (const event of endings) {
        expect(() => reduceRun(inState(state), event, at()), `${event.type} on ${state}`).toThrow(
          AttemptSupersededError,
        );
      }
    }
  });

  it("retries after every ended state but succeeded, counting only retries as restarts", () => {
    for (const state of runStates) {
      const run = inState(state);
      const event: LifecycleEvent = {
        type: "attempt_created",
        attempt: 2,
        reason: "retry",
        resume_from: { step: 5, path: "checkpoints/step-5" },
      };
      const ok = state === "failed" || state === "cancelled" || state === "lost";
      expect(accepts(run, event), state).toBe(ok);
      if (!ok) continue;
      const next = reduceRun(run, event, at());
      expect(next.state).toBe("pending");
      expect(next.restarts).toBe(1);
      expect(next.attempts[1]).toEqual({
        n: 2,
        state: "pending",
        reason: "retry",
        resume_from: { step: 5, path: "checkpoints/step-5" },
        created_at: expect.any(String),
      });
      // the ended attempt stays as it was
      expect(next.attempts[0]).toEqual(run.attempts[0]);
    }
    const resumed = play(to.cancelled(fresh()), {
      type: "attempt_created",
      attempt: 2,
      reason: "resume",
      resume_from: null,
    });
    expect(resumed.restarts).toBe(0);
  });

  it("schedules retries only on failed or lost runs, changing nothing", () => {
    const failed = to.failed(fresh());
    const event: LifecycleEvent = {
      type: "retry_scheduled",
      attempt: 1,
      delay_ms: 10,
      avoid: ["h1"],
      because: "failed",
    };
    const next = reduceRun(failed, event, at());
    expect(next).toEqual(failed);
    expect(accepts(to.lost(fresh()), event)).toBe(true);
    expect(accepts(to.cancelled(fresh()), event)).toBe(false);
  });

  it("moves the host link between reachable and unreachable as a sub-state of running and stopping", () => {
    const running = to.running(fresh());
    const cut = play(running, { type: "unreachable", attempt: 1, since: t0, error: "ETIMEDOUT" });
    expect(cut.state).toBe("running");
    expect(cut.attempts[0]!.link).toEqual({ state: "unreachable", since: t0, error: "ETIMEDOUT" });
    // a second report keeps the first time it stopped answering
    const again = play(cut, { type: "unreachable", attempt: 1, since: "2026-01-02T00:00:00.000Z" });
    expect(again.attempts[0]!.link).toMatchObject({ since: t0 });
    expect(play(again, { type: "reachable", attempt: 1 }).attempts[0]!.link).toEqual({
      state: "reachable",
    });
    const stopping = play(to.stopping(fresh()), { type: "unreachable", attempt: 1, since: t0 });
    expect(stopping.attempts[0]).toMatchObject({
      state: "stopping",
      link: { state: "unreachable" },
    });
    expect(accepts(fresh(), { type: "unreachable", attempt: 1, since: t0 })).toBe(false);
    expect(accepts(to.lost(fresh()), { type: "reachable", attempt: 1 })).toBe(false);
  });

  it("records an attempt lost behind an unreachable host as an orphan, and reaps it once", () => {
    const cut = play(to.running(fresh()), { type: "unreachable", attempt: 1, since: t0 });
    const lost = play(cut, {
      type: "lost",
      attempt: 1,
      error: { code: "run.lost", message: "h1 unreachable for 600 s" },
      cause: "unreachable",
    });
    expect(lost.attempts[0]).toMatchObject({
      state: "lost",
      lost_cause: "unreachable",
      handle: "c1",
    });
    expect(lost.orphans).toEqual([
      { attempt: 1, host: "h1", runtime: "docker", host_dir: "/w/runs/r", handle: "c1" },
    ]);
    const gone = to.lost(fresh());
    expect(gone.orphans).toBeUndefined();
    const reaped = play(lost, { type: "orphan_reaped", attempt: 1 });
    expect(reaped.orphans).toBeUndefined();
    expect(() => reduceRun(reaped, { type: "orphan_reaped", attempt: 1 }, at())).toThrow(
      AttemptSupersededError,
    );
  });

  it("loses a launching attempt (placed, no handle) but never an unplaced one", () => {
    const lost = play(to.launching(fresh()), {
      type: "lost",
      attempt: 1,
      error: { code: "run.lost", message: "x" },
      cause: "gone",
    });
    expect(lost.attempts[0]).toMatchObject({ state: "lost", host: "h1" });
    expect(lost.attempts[0]).not.toHaveProperty("handle");
    expect(
      accepts(to.placing(fresh()), {
        type: "lost",
        attempt: 1,
        error: { code: "x", message: "x" },
        cause: "gone",
      }),
    ).toBe(false);
  });

  it("fails a launch at any step before the trainer runs", () => {
    for (const state of ["pending", "staging", "placing", "launching"] as const) {
      const failed = play(inState(state), {
        type: "launch_failed",
        attempt: 1,
        error: { code: "launch.failed", message: "no" },
      });
      expect(failed.attempts[0]).toMatchObject({
        state: "failed",
        error: { code: "launch.failed" },
      });
    }
    expect(
      accepts(to.running(fresh()), {
        type: "launch_failed",
        attempt: 1,
        error: { code: "x", message: "x" },
      }),
    ).toBe(false);
  });

  it("records offsets on any attempt, current or earlier, and the dataset while staging", () => {
    const second = play(to.failed(fresh()), {
      type: "attempt_created",
      attempt: 2,
      reason: "resume",
      resume_from: null,
    });
    const withOffsets = play(second, {
      type: "offsets_recorded",
      attempt: 1,
      offsets: { metrics: 10, log: 20 },
    });
    expect(withOffsets.attempts[0]!.offsets).toEqual({ metrics: 10, log: 20 });
    expect(
      accepts(second, { type: "offsets_recorded", attempt: 3, offsets: { metrics: 0, log: 0 } }),
    ).toBe(false);
    const dataset = { fingerprint: "f", uri: "datasets/f/", train_records: 1, eval_records: 0 };
    expect(
      play(to.staging(fresh()), { type: "dataset_staged", attempt: 1, dataset }).dataset,
    ).toEqual(dataset);
    expect(accepts(to.running(fresh()), { type: "dataset_staged", attempt: 1, dataset })).toBe(
      false,
    );
  });

  it("takes a second cancel request while stopping without moving the stop time", () => {
    const stopping = to.stopping(fresh());
    const again = play(stopping, { type: "cancel_requested", attempt: 1 });
    expect(again.attempts[0]!.stop).toEqual(stopping.attempts[0]!.stop);
  });

  it("records the scheduler's view on a live attempt only, and leaves it behind when the attempt ends", () => {
    const view = { state: "PENDING", reason: "Priority" };
    const pending = play(to.running(fresh()), {
      type: "scheduler_observed",
      attempt: 1,
      scheduler: view,
    });
    expect(pending.state).toBe("running");
    expect(pending.attempts[0]!.scheduler).toEqual(view);
    const cleared = play(pending, { type: "scheduler_observed", attempt: 1, scheduler: null });
    expect(cleared.attempts[0]!.scheduler).toBeUndefined();
    const ended = play(pending, { type: "exited", attempt: 1, exit_code: 0 });
    expect(ended.attempts[0]!.scheduler).toBeUndefined();
    expect(() => play(ended, { type: "scheduler_observed", attempt: 1, scheduler: view })).toThrow(
      AttemptSupersededError,
    );
  });

  it("ends a requeued attempt and runs the next one at once under the same job, counting no restart", () => {
    const running = play(to.running(fresh()), {
      type: "scheduler_observed",
      attempt: 1,
      scheduler: { state: "RUNNING" },
    });
    const resume_from = { step: 12, path: "/w/runs/r/output/checkpoints/step-12" };
    const error = { code: "slurm.requeued", message: "requeued" };
    const stopped = play(running, {
      type: "requeued",
      attempt: 1,
      how: "stopped",
      error,
      final_step: 12,
      resume_from,
    });
    expect(stopped.attempts[0]).toMatchObject({
      state: "failed",
      exit_code: 75,
      final_step: 12,
      error,
    });
    expect(stopped.attempts[0]!.scheduler).toBeUndefined();
    expect(stopped.attempts[1]).toMatchObject({
      n: 2,
      state: "running",
      reason: "requeue",
      resume_from,
      handle: "c1",
      ...placement,
      link: { state: "reachable" },
    });
    expect(stopped.state).toBe("running");
    expect(stopped.restarts).toBe(0);
    const gone = play(stopped, {
      type: "requeued",
      attempt: 2,
      how: "gone",
      error,
      resume_from: null,
    });
    expect(gone.attempts[1]).toMatchObject({ state: "lost", lost_cause: "gone" });
    expect(gone.attempts[2]).toMatchObject({ n: 3, state: "running", resume_from: null });
    expect(() =>
      play(to.failed(fresh()), {
        type: "requeued",
        attempt: 1,
        how: "gone",
        error,
        resume_from: null,
      }),
    ).toThrow(AttemptSupersededError);
  });

  it("keeps the run's state equal to its current attempt's after every event", () => {
    for (const state of runStates) {
      const run = inState(state);
      expect(run.state).toBe(state);
      expect(run.attempts.at(-1)!.state).toBe(state);
    }
  });
});
