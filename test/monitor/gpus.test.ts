// `tunectl gpus` data on the testbed: the nvidia-smi stand-in on h3, a cut link on h2 that
// must not stall the table beyond the per-host limit.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadWorkspace } from "../../src/config/index.js";
import { createHostPool, probeHosts, type HostPool } from "../../src/hosts/index.js";
import { gpuRows } from "../../src/monitor/index.js";
import { loadTestbed } from "../setup/testbed.js";

const tb = loadTestbed();
let pool: HostPool;

beforeAll(async () => {
  const workspace = await loadWorkspace({
    dir: tb.workspaceDir,
    cwd: process.cwd(),
    env: process.env,
  });
  pool = await createHostPool({ workspace, connectTimeoutMs: 3_000 });
});

afterAll(async () => {
  await pool?.closeAll();
});

describe("gpus on the testbed", () => {
  it("lists the stand-in's GPUs and shows a cut host as unreachable within the time limit", async () => {
    const withGpus = tb.hosts.find((host) => host.gpus > 0)!;
    await tb.cut("h2");
    let rows;
    const started = Date.now();
    try {
      rows = gpuRows(await probeHosts(pool, { timeoutMs: 5_000 }));
    } finally {
      await tb.restore("h2");
    }
    expect(Date.now() - started).toBeLessThan(9_000);
    const h2 = rows.filter((row) => row.host === "h2");
    expect(h2).toEqual([expect.objectContaining({ reachable: false, index: null })]);
    const gpus = rows.filter((row) => row.host === withGpus.name);
    expect(gpus).toHaveLength(withGpus.gpus);
    expect(gpus[0]).toMatchObject({ reachable: true, index: 0 });
    expect(typeof gpus[0]!.memory_total_mib).toBe("number");
  });
});
