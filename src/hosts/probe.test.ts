import { chmod, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { HostConfig } from "../config/index.js";
import { acquireGpus } from "./gpu-leases.js";
import { LocalHost } from "./local-host.js";
import { probeHost } from "./probe.js";

describe("probeHost on the local host", () => {
  let root: string;
  let host: LocalHost;
  const config: HostConfig = {
    name: "local",
    address: "local",
    runtime: "process",
    gpus: [0, 2],
    workdir: "hosts/local",
    python: "python3",
  };

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), "tunectl-probe-"));
    const bin = path.join(root, "bin");
    await mkdir(bin);
    // A stand-in that prints what the real one prints for three GPUs, one without sensors.
    await writeFile(
      path.join(bin, "nvidia-smi"),
      [
        "#!/bin/sh",
        "echo '0, GPU-0, NVIDIA L4, 23034, 100, 5, 40, 30.5'",
        "echo '1, GPU-1, NVIDIA L4, 23034, 0, 0, 35, 20.0'",
        "echo '2, GPU-2, NVIDIA L4, 23034, [N/A], [N/A], [N/A], [N/A]'",
        "",
      ].join("\n"),
    );
    await chmod(path.join(bin, "nvidia-smi"), 0o755);
    host = new LocalHost("local", root, { ...process.env, PATH: `${bin}:${process.env.PATH}` });
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it("reports OS, kernel, runtime, the allowed GPUs, disk, the created workdir and leases", async () => {
    await acquireGpus(host, {
      workdir: "hosts/local",
      runId: "run-1",
      count: 1,
      gpus: [2],
      isHolderAlive: async () => true,
    });
    const probe = await probeHost(host, config);
    expect(probe.reachable).toBe(true);
    expect(probe.os).toMatch(/\S/);
    expect(probe.kernel).toMatch(/^Linux /);
    expect(probe.runtime).toMatchObject({
      kind: "process",
      version: expect.stringMatching(/^python 3\./),
    });
    expect(probe.gpus.map((gpu) => gpu.index)).toEqual([0, 2]);
    expect(probe.gpus[1]).toMatchObject({
      memory_used_mib: null,
      utilization_pct: null,
      power_w: null,
    });
    expect(probe.workdir).toBe(path.join(root, "hosts/local"));
    expect(probe.disk_free_bytes).toBeGreaterThan(0);
    expect(probe.leases).toMatchObject([{ gpu: 2, run_id: "run-1" }]);
    expect(probe.gpu_error).toBeNull();
  });

  it("no nvidia-smi means no GPUs, not an error", async () => {
    const bare = new LocalHost("local", root, { ...process.env, PATH: "/usr/bin:/bin" });
    const probe = await probeHost(bare, { ...config, gpus: "auto" });
    expect(probe.gpus).toEqual([]);
    expect(probe.gpu_error).toBeNull();
  });
});
