import type { HostProbe } from "../hosts/index.js";

/** One row of `tunectl gpus --json` (docs/monitor.md). */
export interface GpuRow {
  host: string;
  reachable: boolean;
  /** Why the host or its GPUs could not be read. */
  error: string | null;
  index: number | null;
  name: string | null;
  utilization_pct: number | null;
  memory_used_mib: number | null;
  memory_total_mib: number | null;
  temperature_c: number | null;
  power_w: number | null;
  /** The run holding the GPU's lease, null when free. */
  run_id: string | null;
}

const empty = {
  index: null,
  name: null,
  utilization_pct: null,
  memory_used_mib: null,
  memory_total_mib: null,
  temperature_c: null,
  power_w: null,
  run_id: null,
};

/** The one row of a host that did not answer. */
export function unreachableGpuRow(host: string, error: string): GpuRow {
  return { host, reachable: false, error, ...empty };
}

/** Every GPU of every host, in inventory order; a host without GPUs or unreachable is one row. */
export function gpuRows(probes: HostProbe[]): GpuRow[] {
  return probes.flatMap((probe): GpuRow[] => {
    if (!probe.reachable) {
      return [unreachableGpuRow(probe.name, probe.error?.message ?? "unreachable")];
    }
    if (probe.gpus.length === 0) {
      return [{ host: probe.name, reachable: true, error: probe.gpu_error, ...empty }];
    }
    const holders = new Map(probe.leases.map((lease) => [lease.gpu, lease.run_id] as const));
    return probe.gpus.map((gpu) => ({
      host: probe.name,
      reachable: true,
      error: probe.gpu_error,
      index: gpu.index,
      name: gpu.name,
      utilization_pct: gpu.utilization_pct,
      memory_used_mib: gpu.memory_used_mib,
      memory_total_mib: gpu.memory_total_mib,
      temperature_c: gpu.temperature_c,
      power_w: gpu.power_w,
      run_id: holders.get(gpu.index) ?? null,
    }));
  });
}
