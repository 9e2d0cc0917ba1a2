import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { currentAttempt } from "../runs/index.js";
import { supervisorEnded, supervisorRetryFailed, supervisorRetryScheduled } from "./events.js";
import { fakeLaunchKit, type FakeLaunchKit } from "./fake-launch-deps.js";
import { followRun } from "./follow-run.js";

let kit: FakeLaunchKit;

beforeEach(async () => {
  kit = await fakeLaunchKit();
  // the followed trainer's output directory on the host (the streamer reads it)
});
afterEach(async () => {
  await kit.cleanup();
});

/** Let the first attempt end with `end` once the follower polled it. */
function endAfterFirstPoll(handle: string, end: (handle: string) => void) {
  let polled = 0;
  const probe = kit.runtime.probe.bind(kit.runtime);
  kit.runtime.probe = async (host, h) => {
    if (h === handle && ++polled === 1) end(h);
    return probe(host, h);
  };
}

describe("followRun, the supervisor of one run, on fakes", () => {
  it("follows a run to succeeded and does not retry it", async () => {
    const run = await kit.runningRun();
    endAfterFirstPoll(run.attempts[0]!.handle!, (h) => kit.runtime.exit(h, 0));
    const final = await followRun(kit.deps, run.id, { pollMs: 1000 });
    expect(final.state).toBe("succeeded");
    expect(final.attempts).toHaveLength(1);
    expect(kit.reporter.events.find((e) => supervisorEnded.is(e))?.data).toMatchObject({
      state: "succeeded",
    });
  });

  it("follows a job the scheduler requeued as the next attempt of the same run, under the same job", async () => {
    const run = await kit.runningRun();
    const handle = run.attempts[0]!.handle!;
    const checkpoint = `${run.attempts[0]!.host_dir}/output/checkpoints/step-3`;
    let polls = 0;
    const probe = kit.runtime.probe.bind(kit.runtime);
    kit.runtime.probe = async (host, h) => {
      if (++polls === 1) kit.runtime.requeue(h, "stopped", checkpoint);
      if (polls === 3) kit.runtime.exit(h, 0);
      return probe(host, h);
    };
    const final = await followRun(kit.deps, run.id, { pollMs: 1000, supervise: false });
    expect(final.state).toBe("succeeded");
    expect(final.attempts.map((a) => [a.n, a.reason, a.state, a.handle])).toEqual([
      [1, "launch", "failed", handle],
      [2, "requeue", "succeeded", handle],
    ]);
    expect(final.attempts[0]!.error?.code).toBe("slurm.requeued");
    expect(final.attempts[1]!.resume_from).toEqual({ step: 3, path: checkpoint });
    expect(final.restarts).toBe(0);
    expect(kit.reporter.codes()).toContain("run.requeued");
  });

  it("retries a failed run after its backoff, on the retry policy, from step 0 without a checkpoint", async () => {
    const run = await kit.runningRun();
    const first = run.attempts[0]!.handle!;
    endAfterFirstPoll(first, (h) => kit.runtime.exit(h, 1));
    let secondPolls = 0;
    const probe = kit.runtime.probe.bind(kit.runtime);
    kit.runtime.probe = async (host, h) => {
      if (h !== first && ++secondPolls === 1) kit.runtime.exit(h, 0);
      return probe(host, h);
    };
    const final = await followRun(kit.deps, run.id, { pollMs: 1000 });
    expect(final.state).toBe("succeeded");
    expect(final.attempts.map((a) => [a.n, a.reason, a.state])).toEqual([
      [1, "launch", "failed"],
      [2, "retry", "succeeded"],
    ]);
    expect(final.restarts).toBe(1);
    const scheduled = kit.reporter.events.find((e) => supervisorRetryScheduled.is(e));
    expect(scheduled?.data).toMatchObject({ because: "failed", delay_ms: 1000, avoid: [] });
    expect(kit.clock.sleeps).toContain(1000);
    const types = (await kit.registry.events(run.id)).map((e) => e.type);
    expect(types).toContain("retry_scheduled");
    expect(types).toContain("attempt_created");
    expect(kit.reporter.codes()).toContain("resume.from_scratch");
  });

  it("retries a lost run away from the host that lost it", async () => {
    const run = await kit.runningRun("h1");
    endAfterFirstPoll(run.attempts[0]!.handle!, (h) => kit.runtime.vanish(h));
    let resumed = false;
    const probe = kit.runtime.probe.bind(kit.runtime);
    kit.runtime.probe = async (host, h) => {
      if (h !== run.attempts[0]!.handle && !resumed) {
        resumed = true;
        kit.runtime.exit(h, 0);
      }
      return probe(host, h);
    };
    const final = await followRun(kit.deps, run.id, { pollMs: 1000 });
    expect(final.attempts[0]!.state).toBe("lost");
    expect(currentAttempt(final)).toMatchObject({ n: 2, host: "h2", state: "succeeded" });
    const scheduled = kit.reporter.events.find((e) => supervisorRetryScheduled.is(e));
    expect(scheduled?.data).toMatchObject({ because: "lost", avoid: ["h1"] });
  });

  it("declares a run lost after its host stayed unreachable for lost_after_s, and retries elsewhere", async () => {
    const run = await kit.runningRun("h1", { lost_after_s: 5 });
    kit.pool.unreachable.add("h1");
    let second = false;
    const probe = kit.runtime.probe.bind(kit.runtime);
    kit.runtime.probe = async (host, h) => {
      if (h !== run.attempts[0]!.handle && !second) {
        second = true;
        kit.runtime.exit(h, 0);
      }
      return probe(host, h);
    };
    const final = await followRun(kit.deps, run.id, { pollMs: 1000 });
    expect(final.attempts[0]).toMatchObject({ state: "lost", lost_cause: "unreachable" });
    expect(final.orphans).toEqual([expect.objectContaining({ attempt: 1, host: "h1" })]);
    expect(currentAttempt(final)).toMatchObject({ host: "h2", state: "succeeded" });
    expect(kit.reporter.codes()).toContain("supervisor.host_unreachable");
  });

  it("does not retry a cancelled run, nor past max_restarts", async () => {
    const cancelled = await kit.runningRun();
    endAfterFirstPoll(cancelled.attempts[0]!.handle!, () => undefined);
    await kit.registry.apply(cancelled.id, { type: "cancelled", attempt: 1, why: "test" });
    expect((await followRun(kit.deps, cancelled.id, { pollMs: 1000 })).attempts).toHaveLength(1);

    const capped = await kit.runningRun("h1", { max_restarts: 0 });
    endAfterFirstPoll(capped.attempts[0]!.handle!, (h) => kit.runtime.exit(h, 1));
    const final = await followRun(kit.deps, capped.id, { pollMs: 1000 });
    expect(final.state).toBe("failed");
    expect(final.attempts).toHaveLength(1);
    expect(kit.reporter.events.some((e) => supervisorRetryScheduled.is(e))).toBe(false);
  });

  it("reports a retry that cannot launch (no host can take it) as an event, not silence", async () => {
    const run = await kit.runningRun("h1", { max_restarts: 1 });
    endAfterFirstPoll(run.attempts[0]!.handle!, (h) => kit.runtime.vanish(h));
    kit.pool.unreachable.add("h2"); // the retry avoids h1, and h2 does not answer
    const final = await followRun(kit.deps, run.id, { pollMs: 1000 });
    const failed = kit.reporter.events.filter((e) => supervisorRetryFailed.is(e));
    expect(failed.length).toBeGreaterThan(0);
    expect(failed[0]!.data).toMatchObject({ run: run.id, code: "placement.no_capacity" });
    expect(final.state).toBe("failed");
    expect(final.attempts.map((a) => a.state)).toEqual(["lost", "failed"]);
    expect(final.attempts[1]!.error?.code).toBe("placement.no_capacity");
  });

  it("detaches on abort with the run still running", async () => {
    const run = await kit.runningRun();
    const abort = new AbortController();
    abort.abort();
    await expect(followRun(kit.deps, run.id, { signal: abort.signal })).rejects.toMatchObject({
      code: "run.detached",
    });
    expect((await kit.registry.get(run.id)).state).toBe("running");
  });
});
