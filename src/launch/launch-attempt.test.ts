import { parse } from "yaml";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { experimentSchema } from "../config/index.js";
import { cancelRun } from "./cancel-run.js";
import { launchSuperseded } from "./events.js";
import { fakeExperimentYaml, fakeLaunchKit, type FakeLaunchKit } from "./fake-launch-deps.js";
import { launchAttempt } from "./launch-attempt.js";

let kit: FakeLaunchKit;
const experiment = experimentSchema.parse(parse(fakeExperimentYaml()));

beforeEach(async () => {
  kit = await fakeLaunchKit();
});
afterEach(async () => {
  await kit.cleanup();
});

async function launch(extra: Partial<Parameters<typeof launchAttempt>[1]> = {}) {
  const run = await kit.newRun();
  await kit.registry.apply(run.id, { type: "staging_started", attempt: 1 });
  const record = await kit.registry.get(run.id);
  return launchAttempt(kit.deps, {
    run: record,
    experiment,
    dataset: kit.dataset,
    secrets: {},
    ...extra,
  });
}

describe("launchAttempt on fakes", () => {
  it("places, leases a GPU on the host, starts the trainer and records it running", async () => {
    const run = await launch();
    const attempt = run.attempts[0]!;
    expect(run.state).toBe("running");
    expect(attempt).toMatchObject({ host: "h1", gpus: [0], runtime: "docker" });
    expect(attempt.handle).toBe(kit.runtime.handleFor(run.id, 1));
    expect(kit.runtime.ops()).toEqual(["start"]);
    expect(await kit.leases("h1")).toEqual({ 0: run.id });
    const types = (await kit.registry.events(run.id)).map((e) => e.type);
    expect(types).toEqual(["created", "staging_started", "placing_started", "placed", "started"]);
  });

  it("a cancel while placing: the launcher gives back the GPUs it leased and starts nothing", async () => {
    let cancelled = false;
    kit.pool.beforeGet = async () => {
      if (cancelled) return;
      cancelled = true;
      const [run] = await kit.registry.list();
      expect(run!.state).toBe("placing");
      expect((await cancelRun(kit.deps, run!.id)).state).toBe("cancelled");
    };
    const run = await launch();
    expect(run.state).toBe("cancelled");
    expect(kit.runtime.ops()).toEqual([]);
    expect(await kit.leases("h1")).toEqual({});
    const superseded = kit.reporter.events.find((e) => launchSuperseded.is(e));
    expect(superseded?.data).toMatchObject({ run: run.id, attempt: 1, released: true });
  });

  it("a cancel while launching, during the start: the started container is killed and removed, leases released", async () => {
    kit.runtime.onStart = async (spec) => {
      expect((await kit.registry.get(spec.runId)).state).toBe("launching");
      expect((await cancelRun(kit.deps, spec.runId)).state).toBe("cancelled");
    };
    const run = await launch();
    const handle = kit.runtime.handleFor(run.id, 1);
    expect(run.state).toBe("cancelled");
    expect(kit.runtime.ops(handle)).toEqual(["start", "kill", "cleanup"]);
    expect(await kit.leases("h1")).toEqual({});
    expect(run.attempts[0]).toMatchObject({ state: "cancelled", host: "h1" });
    const superseded = kit.reporter.events.find((e) => launchSuperseded.is(e));
    expect(superseded?.data).toMatchObject({ stopped: handle, released: true });
  });

  it("a cancel while the data moves: no trainer is started at all", async () => {
    const run = await launch({
      resume: {
        step: 3,
        async ensureOnHost() {
          const [record] = await kit.registry.list();
          await cancelRun(kit.deps, record!.id);
        },
      },
    });
    expect(run.state).toBe("cancelled");
    expect(kit.runtime.ops()).toEqual([]);
    expect(await kit.leases("h1")).toEqual({});
  });

  it("a failed start ends the attempt failed with the error, leases released, and throws", async () => {
    kit.runtime.failNext("start", new Error("image not found"));
    await expect(launch()).rejects.toThrow(/image not found/);
    const [run] = await kit.registry.list();
    expect(run!.attempts[0]).toMatchObject({
      state: "failed",
      error: { code: "launch.failed", message: "image not found" },
    });
    expect(await kit.leases("h1")).toEqual({});
  });

  it("takes the next host when the first has no free GPU, and avoids hosts it is told to", async () => {
    const first = await launch();
    const second = await launch();
    expect(first.attempts[0]!.host).toBe("h1");
    expect(second.attempts[0]!.gpus).toEqual([1]);
    const third = await launch({ avoid: ["h1"] });
    expect(third.attempts[0]).toMatchObject({ host: "h2", gpus: [0] });
  });

  it("tries the host it is told to prefer first, and only among the hosts it may use", async () => {
    const preferred = await launch({ prefer: "h2" });
    expect(preferred.attempts[0]).toMatchObject({ host: "h2", gpus: [0] });
    const avoided = await launch({ prefer: "h2", avoid: ["h2"] });
    expect(avoided.attempts[0]!.host).toBe("h1");
  });
});
