import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cancelRun } from "./cancel-run.js";
import { cancelKilled } from "./events.js";
import { fakeLaunchKit, type FakeLaunchKit } from "./fake-launch-deps.js";
import { retryDecision } from "./retry-policy.js";

let kit: FakeLaunchKit;
const policy = {
  max_restarts: 2,
  on: ["failed", "lost"] as Array<"failed" | "lost" | "stopped">,
  lost_after_s: 600,
  backoff: { initial_s: 1, factor: 2, max_s: 4 },
};

beforeEach(async () => {
  kit = await fakeLaunchKit();
});
afterEach(async () => {
  await kit.cleanup();
});

describe("cancelRun on fakes", () => {
  it("SIGTERM, the trainer checkpoints and exits 75: cancelled, container removed", async () => {
    const run = await kit.runningRun();
    const handle = run.attempts[0]!.handle!;
    const final = await cancelRun(kit.deps, run.id, { graceMs: 10_000 });
    expect(final.state).toBe("cancelled");
    expect(final.attempts[0]).toMatchObject({ state: "cancelled", exit_code: 75 });
    expect(kit.runtime.ops(handle)).toEqual(["probe", "stop", "probe", "cleanup"]);
    const moves = (await kit.registry.events(run.id)).map((e) => `${e.type}:${String(e.data?.to)}`);
    expect(moves.slice(-2)).toEqual(["cancel_requested:stopping", "exited:cancelled"]);
    // the retry policy leaves a cancelled run alone
    expect(retryDecision(final, policy)).toBeUndefined();
  });

  it("a trainer that ignores SIGTERM is killed after the grace period: cancelled", async () => {
    kit.runtime.onStop = "ignored";
    const run = await kit.runningRun();
    const handle = run.attempts[0]!.handle!;
    const final = await cancelRun(kit.deps, run.id, { graceMs: 5_000, pollMs: 1000 });
    expect(final.state).toBe("cancelled");
    const ops = kit.runtime.ops(handle);
    expect(ops.slice(0, 2)).toEqual(["probe", "stop"]);
    expect(ops.filter((op) => op === "kill")).toHaveLength(1);
    expect(ops.indexOf("kill")).toBeGreaterThan(ops.lastIndexOf("probe"));
    expect(kit.reporter.events.some((e) => cancelKilled.is(e))).toBe(true);
  });

  it("--force kills at once and ends cancelled, never lost (the retry policy must not resume it)", async () => {
    const run = await kit.runningRun();
    const handle = run.attempts[0]!.handle!;
    const final = await cancelRun(kit.deps, run.id, { force: true });
    expect(final.state).toBe("cancelled");
    expect(kit.runtime.ops(handle)).toEqual(["probe", "kill", "cleanup"]);
    expect(retryDecision(final, policy)).toBeUndefined();
  });

  it("a trainer that vanishes after SIGTERM (no exit status) ends cancelled, not lost", async () => {
    kit.runtime.onStop = "vanish";
    const run = await kit.runningRun();
    const final = await cancelRun(kit.deps, run.id);
    expect(final.state).toBe("cancelled");
    expect(final.attempts[0]!.error).toBeUndefined();
  });

  it("--force while a graceful cancel is waiting kills and ends cancelled", async () => {
    kit.runtime.onStop = "ignored";
    const run = await kit.runningRun();
    await kit.registry.apply(run.id, { type: "cancel_requested", attempt: 1 });
    const final = await cancelRun(kit.deps, run.id, { force: true });
    expect(final.state).toBe("cancelled");
    expect(kit.runtime.ops()).toContain("kill");
  });

  it("cancels a run that has not started: pending and staging end cancelled at once", async () => {
    const pending = await kit.newRun();
    expect((await cancelRun(kit.deps, pending.id)).state).toBe("cancelled");
    const staging = await kit.newRun();
    await kit.registry.apply(staging.id, { type: "staging_started", attempt: 1 });
    expect((await cancelRun(kit.deps, staging.id)).state).toBe("cancelled");
    expect(kit.runtime.ops()).toEqual([]);
  });

  it("refuses to cancel a run that already ended, with a user error", async () => {
    const run = await kit.runningRun();
    kit.runtime.exit(run.attempts[0]!.handle!, 0);
    await expect(cancelRun(kit.deps, run.id)).rejects.toMatchObject({
      code: "run.already_ended",
      kind: "user",
    });
    expect((await kit.registry.get(run.id)).state).toBe("succeeded");
  });
});
