import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fakeLaunchKit, type FakeLaunchKit } from "./fake-launch-deps.js";
import { checkRun, needsHost } from "./reconcile.js";
import { reapOrphans } from "./orphan-reaper.js";
import { settleLost } from "./settle-attempt.js";

let kit: FakeLaunchKit;

beforeEach(async () => {
  kit = await fakeLaunchKit();
});
afterEach(async () => {
  await kit.cleanup();
});

describe("checkRun on fakes", () => {
  it("leaves a running trainer alone", async () => {
    const run = await kit.runningRun();
    expect(await checkRun(kit.deps, run.id)).toEqual(run);
  });

  it("settles an exit: 0 succeeded, 1 failed with trainer.failed, 75 from outside failed with trainer.stopped", async () => {
    const cases = [
      [0, "succeeded", undefined],
      [1, "failed", "trainer.failed"],
      [75, "failed", "trainer.stopped"],
    ] as const;
    for (const [code, state, error] of cases) {
      const run = await kit.runningRun();
      const handle = run.attempts[0]!.handle!;
      kit.runtime.exit(handle, code);
      const settled = await checkRun(kit.deps, run.id);
      expect(settled.state, `exit ${code}`).toBe(state);
      expect(settled.attempts[0]!.exit_code).toBe(code);
      expect(settled.attempts[0]!.error?.code).toBe(error);
      expect(kit.runtime.ops(handle)).toContain("cleanup");
    }
  });

  it("records the scheduler's view of a queued job when it changes, and drops it once it ends", async () => {
    const run = await kit.runningRun();
    const handle = run.attempts[0]!.handle!;
    kit.runtime.schedule(handle, "PENDING", "Resources");
    const pending = await checkRun(kit.deps, run.id);
    expect(pending.state).toBe("running");
    expect(pending.attempts[0]!.scheduler).toEqual({ state: "PENDING", reason: "Resources" });
    expect(await checkRun(kit.deps, run.id)).toEqual(pending); // unchanged: nothing written
    kit.runtime.schedule(handle, "RUNNING");
    expect((await checkRun(kit.deps, run.id)).attempts[0]!.scheduler).toEqual({ state: "RUNNING" });
    kit.runtime.exit(handle, 0);
    const done = await checkRun(kit.deps, run.id);
    expect(done.state).toBe("succeeded");
    expect(done.attempts[0]!.scheduler).toBeUndefined();
    const types = (await kit.registry.events(run.id)).map((e) => e.type);
    expect(types.filter((t) => t === "scheduler_observed")).toHaveLength(2);
  });

  it("a trainer gone without an exit status: lost, cause gone, no orphan", async () => {
    const run = await kit.runningRun();
    kit.runtime.vanish(run.attempts[0]!.handle!);
    const lost = await checkRun(kit.deps, run.id);
    expect(lost.attempts[0]).toMatchObject({ state: "lost", lost_cause: "gone" });
    expect(lost.orphans).toBeUndefined();
    expect(needsHost(lost)).toBe(false);
  });

  it("an unreachable host moves only the link, and back when it answers", async () => {
    const run = await kit.runningRun();
    kit.pool.unreachable.add("h1");
    const away = await checkRun(kit.deps, run.id);
    expect(away.state).toBe("running");
    expect(away.attempts[0]!.link).toMatchObject({
      state: "unreachable",
      since: kit.clock.now().toISOString(),
    });
    kit.clock.advance(30_000);
    // a second check keeps the first time it stopped answering
    expect((await checkRun(kit.deps, run.id)).attempts[0]!.link).toEqual(away.attempts[0]!.link);
    kit.pool.unreachable.delete("h1");
    const back = await checkRun(kit.deps, run.id);
    expect(back.attempts[0]!.link).toEqual({ state: "reachable" });
    expect(kit.reporter.codes()).toContain("run.unreachable");
  });

  it("lost behind an unreachable host: an orphan, reaped (killed, removed, GPUs freed) once the host answers", async () => {
    const run = await kit.runningRun();
    const handle = run.attempts[0]!.handle!;
    kit.pool.unreachable.add("h1");
    const lost = await settleLost(
      kit.deps,
      await checkRun(kit.deps, run.id),
      "h1 unreachable",
      "unreachable",
    );
    expect(lost.orphans).toHaveLength(1);
    expect(needsHost(lost)).toBe(true);
    // still cut: kept for the next try
    expect((await reapOrphans(kit.deps, lost)).orphans).toHaveLength(1);
    kit.pool.unreachable.delete("h1");
    const reaped = await reapOrphans(kit.deps, lost);
    expect(reaped.orphans).toBeUndefined();
    expect(kit.runtime.ops(handle)).toEqual(["kill", "cleanup"]);
    expect((await kit.registry.events(run.id)).map((e) => e.type)).toContain("orphan_reaped");
  });

  it("a launch whose tunectl died: failed launch.interrupted while placing; adopted when its trainer runs", async () => {
    const placing = await kit.newRun();
    await kit.registry.apply(placing.id, {
      type: "placing_started",
      attempt: 1,
      launcher: { pid: 99, machine: "fake" },
    });
    expect((await checkRun(kit.deps, placing.id)).state).toBe("placing"); // its launcher lives
    kit.deadLaunchers.add(99);
    const failed = await checkRun(kit.deps, placing.id);
    expect(failed.attempts[0]).toMatchObject({
      state: "failed",
      error: { code: "launch.interrupted" },
    });

    const launching = await kit.newRun();
    await kit.registry.apply(launching.id, {
      type: "placing_started",
      attempt: 1,
      launcher: { pid: 99, machine: "fake" },
    });
    await kit.registry.apply(launching.id, {
      type: "placed",
      attempt: 1,
      placement: { host: "h1", gpus: [], runtime: "docker", host_dir: "/nowhere" },
    });
    await kit.runtime.start(kit.hosts.h1, { runId: launching.id, attempt: 1 } as never);
    const adopted = await checkRun(kit.deps, launching.id);
    expect(adopted.attempts[0]).toMatchObject({
      state: "running",
      handle: kit.runtime.handleFor(launching.id, 1),
    });
    const started = (await kit.registry.events(launching.id)).find((e) => e.type === "started");
    expect(started?.data?.adopted).toBe(true);
  });

  it("does nothing to an ended run", async () => {
    const run = await kit.runningRun();
    kit.runtime.exit(run.attempts[0]!.handle!, 0);
    const ended = await checkRun(kit.deps, run.id);
    const calls = kit.runtime.calls.length;
    expect(await checkRun(kit.deps, run.id)).toEqual(ended);
    expect(kit.runtime.calls.length).toBe(calls);
  });
});
