// GPUs on the testbed: h3 carries one fake GPU (an nvidia-smi stand-in).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  acquireGpus,
  hostWorkdir,
  listLeases,
  probeHosts,
  releaseGpus,
} from "../../src/hosts/index.js";
import { testPool, type TestPool } from "./testbed-pool.js";

describe("GPUs and leases on h3", () => {
  let a: TestPool;
  let b: TestPool;
  beforeAll(async () => {
    // two pools: two orchestrators, as on two laptops
    a = await testPool();
    b = await testPool();
  });
  afterAll(async () => {
    const h3 = await a.pool.get("h3");
    const workdir = hostWorkdir(a.pool.config("h3"));
    await releaseGpus(h3, workdir, "race-a");
    await releaseGpus(h3, workdir, "race-b");
    await a.dispose();
    await b.dispose();
  });

  it("the probe lists the fake GPU", async () => {
    const [h3] = await probeHosts(a.pool, { names: ["h3"] });
    expect(h3).toMatchObject({
      name: "h3",
      reachable: true,
      os: expect.stringContaining("Debian"),
    });
    expect(h3!.gpus).toEqual([
      expect.objectContaining({
        index: 0,
        name: "NVIDIA A100-SXM4-80GB",
        memory_total_mib: 81920,
        power_w: 60,
      }),
    ]);
    expect(h3!.workdir).toBe(a.tb.host("h3").workdir);
    expect(h3!.runtime).toMatchObject({ kind: "docker", available: true });
  });

  it("two orchestrators racing for the single GPU: exactly one wins", async () => {
    const workdir = hostWorkdir(a.pool.config("h3"));
    const [hostA, hostB] = [await a.pool.get("h3"), await b.pool.get("h3")];
    for (let round = 0; round < 3; round++) {
      const results = await Promise.all([
        acquireGpus(hostA, {
          workdir,
          runId: "race-a",
          count: 1,
          gpus: [0],
          isHolderAlive: async () => true,
        }),
        acquireGpus(hostB, {
          workdir,
          runId: "race-b",
          count: 1,
          gpus: [0],
          isHolderAlive: async () => true,
        }),
      ]);
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      const loser = results.find((r) => !r.ok);
      expect(loser).toMatchObject({ ok: false, free: 0 });
      const leases = await listLeases(hostA, workdir);
      expect(leases).toHaveLength(1);
      await releaseGpus(hostA, workdir, leases[0]!.run_id);
    }
  });
});
