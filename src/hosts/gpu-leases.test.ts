import { mkdir, mkdtemp, rm, utimes } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { acquireGpus, listLeases, recordLeaseHandle, releaseGpus } from "./gpu-leases.js";
import { LocalHost } from "./local-host.js";

describe("GPU leases on the local host", () => {
  let root: string;
  let host: LocalHost;
  const workdir = "work";
  const alive = async () => true;
  const dead = async () => false;

  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), "tunectl-leases-"));
    host = new LocalHost("local", root);
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it("two racing acquirers for one GPU: exactly one wins, every time", async () => {
    for (let round = 0; round < 5; round++) {
      const results = await Promise.all(
        ["run-a", "run-b", "run-c"].map((runId) =>
          acquireGpus(host, { workdir, runId, count: 1, gpus: [0], isHolderAlive: alive }),
        ),
      );
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      const winner = ["run-a", "run-b", "run-c"][results.findIndex((r) => r.ok)]!;
      expect((await listLeases(host, workdir)).map((l) => [l.gpu, l.run_id])).toEqual([
        [0, winner],
      ]);
      expect(await releaseGpus(host, workdir, winner)).toEqual([0]);
    }
  });

  it("all or none: a partial grab is released", async () => {
    expect(
      await acquireGpus(host, { workdir, runId: "a", count: 1, gpus: [1], isHolderAlive: alive }),
    ).toMatchObject({
      ok: true,
      gpus: [1],
    });
    const result = await acquireGpus(host, {
      workdir,
      runId: "b",
      count: 2,
      gpus: [0, 1],
      isHolderAlive: alive,
    });
    expect(result).toMatchObject({ ok: false, free: 1, held: [{ gpu: 1, run_id: "a" }] });
    expect((await listLeases(host, workdir)).map((l) => l.gpu)).toEqual([1]);
  });

  it("the same run re-acquiring keeps its leases; a dead holder's lease is reclaimed", async () => {
    await acquireGpus(host, {
      workdir,
      runId: "old",
      count: 2,
      gpus: [0, 1],
      isHolderAlive: alive,
    });
    await recordLeaseHandle(host, workdir, "old", "container-123");
    const again = await acquireGpus(host, {
      workdir,
      runId: "old",
      count: 2,
      gpus: [0, 1],
      isHolderAlive: alive,
    });
    expect(again).toMatchObject({ ok: true, gpus: [0, 1] });
    const seen: string[] = [];
    const result = await acquireGpus(host, {
      workdir,
      runId: "new",
      count: 1,
      gpus: [0, 1],
      isHolderAlive: async (lease) => {
        seen.push(`${lease.gpu}:${lease.run_id}:${lease.handle}`);
        return lease.gpu === 0 ? true : false;
      },
    });
    expect(seen).toEqual(["0:old:container-123", "1:old:container-123"]);
    expect(result).toMatchObject({ ok: true, gpus: [1], reclaimed: [{ gpu: 1, run_id: "old" }] });
    expect((await listLeases(host, workdir)).map((l) => [l.gpu, l.run_id])).toEqual([
      [0, "old"],
      [1, "new"],
    ]);
  });

  it("a holder-less lease is left alone while young and reclaimed once old", async () => {
    const lease = path.join(root, workdir, "leases", "gpu-0");
    await mkdir(lease, { recursive: true });
    expect(
      await acquireGpus(host, { workdir, runId: "x", count: 1, gpus: [0], isHolderAlive: dead }),
    ).toMatchObject({
      ok: false,
    });
    const old = new Date(Date.now() - 5 * 60_000);
    await utimes(lease, old, old);
    expect(
      await acquireGpus(host, { workdir, runId: "x", count: 1, gpus: [0], isHolderAlive: dead }),
    ).toMatchObject({
      ok: true,
      gpus: [0],
    });
  });

  it("a lease rewritten between the check and the reclaim is not removed", async () => {
    await acquireGpus(host, { workdir, runId: "a", count: 1, gpus: [0], isHolderAlive: alive });
    const result = await acquireGpus(host, {
      workdir,
      runId: "b",
      count: 1,
      gpus: [0],
      isHolderAlive: async () => {
        // while we judge "a" dead, "a" is released and "c" takes the GPU
        await releaseGpus(host, workdir, "a");
        await acquireGpus(host, { workdir, runId: "c", count: 1, gpus: [0], isHolderAlive: alive });
        return false;
      },
    });
    expect(result.ok).toBe(false);
    expect((await listLeases(host, workdir)).map((l) => l.run_id)).toEqual(["c"]);
  });
});
