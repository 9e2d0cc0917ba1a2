import { describe, expect, it } from "vitest";
import { FakeRemoteHost } from "./fake-remote-host.js";
import {
  expandHostList,
  parseNodeGpus,
  parsePartitions,
  probeSlurmCluster,
} from "./slurm-probe.js";

// scontrol -o show node lines: the testbed's Slurm 22.05 (CPU nodes) and a GPU node's TRES.
const cpuNode = (name: string, alloc: string) =>
  `NodeName=${name} Arch=x86_64 CoresPerSocket=1 CPUAlloc=0 CPUEfctv=2 CPUTot=2 Gres=(null) NodeAddr=10.213.7.12 Partitions=debug,gpu State=IDLE CfgTRES=cpu=2,mem=2000M,billing=2 AllocTRES=${alloc} CapWatts=n/a`;
const gpuNode = (name: string, alloc: string) =>
  `NodeName=${name} Arch=x86_64 Gres=gpu:a100:8(S:0-1) Partitions=gpu State=MIXED CfgTRES=cpu=64,mem=500G,billing=64,gres/gpu=8,gres/gpu:a100=8 AllocTRES=${alloc} CapWatts=n/a`;

describe("the Slurm cluster behind a login host", () => {
  it("expands sinfo's compressed host lists", () => {
    expect(expandHostList("h[2-3]")).toEqual(["h2", "h3"]);
    expect(expandHostList("gpu[01-02,09],login")).toEqual(["gpu01", "gpu02", "gpu09", "login"]);
    expect(expandHostList("(null)")).toEqual([]);
  });

  it("counts each partition's nodes by state and sums its nodes' GPUs, free and held", () => {
    const nodes = parseNodeGpus([
      cpuNode("h2", ""),
      cpuNode("h3", "cpu=2"),
      gpuNode("g1", "cpu=16,gres/gpu=2,gres/gpu:a100=2"),
      gpuNode("g2", ""),
    ]);
    expect(nodes.get("g1")).toEqual({ total: 8, allocated: 2 });
    expect(nodes.get("h2")).toEqual({ total: 0, allocated: 0 });
    const partitions = parsePartitions(
      ["debug*|up|infinite|1/1/0/2|h[2-3]", "gpu|up|2:00:00|1/0/1/2|g[1-2]"],
      nodes,
    );
    expect(partitions).toEqual([
      {
        name: "debug",
        default: true,
        availability: "up",
        time_limit: "infinite",
        nodes: { allocated: 1, idle: 1, other: 0, total: 2 },
        gpus: { allocated: 0, total: 0 },
      },
      {
        name: "gpu",
        default: false,
        availability: "up",
        time_limit: "2:00:00",
        nodes: { allocated: 1, idle: 0, other: 1, total: 2 },
        gpus: { allocated: 2, total: 16 },
      },
    ]);
  });

  it("says why when sinfo cannot reach the controller", async () => {
    const host = new FakeRemoteHost("login").on(/sinfo/, {
      code: 0,
      stdout:
        "@@sinfo\nslurm_load_partitions: Unable to contact slurm controller (connect failure)\nrc=1\n@@nodes\nrc=1\n",
    });
    expect(await probeSlurmCluster(host, 5_000)).toEqual({
      partitions: [],
      error: "slurm_load_partitions: Unable to contact slurm controller (connect failure)",
    });
  });
});
