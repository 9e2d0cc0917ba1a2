import { describe, expect, it } from "vitest";
import { parsePartitions, type HostProbe } from "../../hosts/index.js";
import { ExitCode } from "../exit-code.js";
import { hostJson, hostsExitCode, renderHosts } from "./hosts.js";

const gpu = (index: number) => ({
  index,
  uuid: `GPU-${index}`,
  name: "NVIDIA L4",
  memory_total_mib: 23034,
  memory_used_mib: 0,
  utilization_pct: 0,
  temperature_c: null,
  power_w: null,
});

const up: HostProbe = {
  name: "gpu-a",
  address: "ml@10.0.0.1:22",
  reachable: true,
  os: "Debian GNU/Linux 12 (bookworm)",
  kernel: "Linux 6.1.0",
  runtime: { kind: "docker", version: "24.0.5", available: true, gpu_support: true },
  gpus: [gpu(0), gpu(1)],
  gpu_error: null,
  disk_free_bytes: 50 * 2 ** 30,
  workdir: "/home/ml/.tunectl",
  leases: [{ gpu: 1, run_id: "alpaca-20250101-120000-ab12" }],
  probe_ms: 120,
};

const down: HostProbe = {
  ...up,
  name: "gpu-b",
  reachable: false,
  error: {
    code: "ssh.unreachable",
    message: "host gpu-b: no answer within 10000 ms",
    hint: "check the network",
  },
  os: null,
  kernel: null,
  runtime: null,
  gpus: [],
  disk_free_bytes: null,
  workdir: null,
  leases: [],
};

describe("tunectl hosts rendering", () => {
  it("shows free/total GPUs, runtime, disk and lease holders; unreachable hosts with why", () => {
    const text = renderHosts([up, down]);
    const [header, a, b] = text.split("\n");
    expect(header).toMatch(/^HOST\s+ADDRESS\s+STATUS\s+OS\s+RUNTIME\s+GPUS\s+DISK FREE\s+RUNS$/);
    expect(a).toContain("docker 24.0.5 +gpu");
    expect(a).toContain("1/2 free (2x NVIDIA L4)");
    expect(a).toContain("50.0 GiB");
    expect(a).toContain("alpaca-20250101-120000-ab12(gpu1)");
    expect(b).toContain("ssh.unreachable");
    expect(text).toContain(
      "gpu-b: host gpu-b: no answer within 10000 ms\n  hint: check the network",
    );
  });

  it("lists a Slurm login host's partitions with idle and allocated nodes and free GPUs", () => {
    const cluster: HostProbe = {
      ...up,
      name: "cluster",
      gpus: [],
      leases: [],
      slurm: {
        partitions: parsePartitions(
          ["debug*|up|infinite|1/1/0/2|h[2-3]", "gpu|up|2:00:00|2/0/0/2|g[1-2]"],
          new Map([
            ["g1", { total: 8, allocated: 6 }],
            ["g2", { total: 8, allocated: 0 }],
          ]),
        ),
      },
    };
    const lines = renderHosts([cluster]).split("\n\n")[1]!.split("\n");
    expect(lines[0]).toMatch(
      /^cluster PARTITION\s+STATE\s+NODES IDLE\s+ALLOCATED\s+OTHER\s+GPUS FREE\s+TIME LIMIT$/,
    );
    expect(lines[1]).toMatch(/^debug \(default\)\s+up\s+1\/2\s+1\s+0\s+0\/0\s+infinite$/);
    expect(lines[2]).toMatch(/^gpu\s+up\s+0\/2\s+2\s+0\s+10\/16\s+2:00:00$/);
    const failed = renderHosts([{ ...cluster, slurm: { partitions: [], error: "no controller" } }]);
    expect(failed).toContain("cluster: Slurm did not list its partitions: no controller");
  });

  it("adds gpus_free to the JSON entry", () => {
    expect(hostJson(up)).toMatchObject({ name: "gpu-a", gpus_free: 1 });
  });

  it("exits 0 while any host answers, 3 when none does or a host key is refused", () => {
    expect(hostsExitCode([up, down])).toBe(ExitCode.ok);
    expect(hostsExitCode([down])).toBe(ExitCode.infra);
    expect(hostsExitCode([])).toBe(ExitCode.ok);
    const keyRefused = { ...down, error: { code: "ssh.host_key_changed", message: "changed" } };
    expect(hostsExitCode([up, keyRefused])).toBe(ExitCode.infra);
  });
});
