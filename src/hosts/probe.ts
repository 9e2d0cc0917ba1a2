import type { HostConfig } from "../config/index.js";
import { InfraError, isTunectlError, matchRemoteError } from "../errors/index.js";
import { listLeasesScript, parseLeases, type GpuLease } from "./gpu-leases.js";
import type { HostPool } from "./host-pool.js";
import { hostWorkdir } from "./host-workdir.js";
import { parseNvidiaSmiCsv, type GpuInfo } from "./nvidia-smi.js";
import { parseSections, probeScript } from "./probe-script.js";
import type { RemoteHost } from "./remote-host.js";
import { probeSlurmCluster, type SlurmClusterProbe } from "./slurm-probe.js";

export interface RuntimeProbe {
  kind: HostConfig["runtime"];
  /** docker/podman server or client version; for `process`, the Python version. */
  version: string | null;
  available: boolean;
  gpu_support: boolean;
  /** Why it is not available, in the runtime's own words. */
  error?: string;
}

/** The documented shape of `tunectl hosts --json` entries (docs/hosts.md). */
export interface HostProbe {
  name: string;
  address: string;
  reachable: boolean;
  error?: { code: string; message: string; hint?: string };
  os: string | null;
  kernel: string | null;
  runtime: RuntimeProbe | null;
  /** GPUs tunectl may use on this host (the inventory's `gpus:` list applied). */
  gpus: GpuInfo[];
  /** GPU errors (driver present but failing), null when fine or absent. */
  gpu_error: string | null;
  disk_free_bytes: number | null;
  /** Absolute path of the workdir, created if missing. */
  workdir: string | null;
  leases: Array<Pick<GpuLease, "gpu" | "run_id"> & Partial<GpuLease>>;
  /** A `kind: slurm` login host: the cluster's partitions, nodes and GPUs (sinfo, scontrol). */
  slurm?: SlurmClusterProbe;
  probe_ms: number;
}

function rcOf(lines: string[]): { rc: string; output: string[] } {
  const last = lines[lines.length - 1] ?? "";
  const match = /^rc=(.*)$/.exec(last);
  return match ? { rc: match[1]!, output: lines.slice(0, -1) } : { rc: "", output: lines };
}

function runtimeOf(
  config: HostConfig,
  sections: Map<string, string[]>,
  gpusVisible: boolean,
): RuntimeProbe {
  const { rc, output } = rcOf(sections.get("runtime") ?? []);
  const tools = (sections.get("gpu_runtime") ?? []).join(" ");
  const text = output.join("\n").trim();
  const kind = config.runtime;
  if (rc !== "0") {
    const row = matchRemoteError(text);
    return {
      kind,
      version: null,
      available: false,
      gpu_support: false,
      error: row ? `${row.message} (${text.split("\n").pop()})` : text || `exit ${rc}`,
    };
  }
  if (kind === "process") {
    const [python, torch] = text.split(/\s+/);
    return {
      kind,
      version: python ? `python ${python}` : null,
      // python "auto": tunectl makes the trainer's virtualenv itself at launch
      available: torch === "torch" || config.python === "auto",
      gpu_support: gpusVisible,
      ...(torch === "torch" || config.python === "auto"
        ? {}
        : { error: `${config.python} has no torch module` }),
    };
  }
  const gpuSupport =
    kind === "docker" ? /\bnvidia\b|tool=nvidia/.test(tools) : /tool=nvidia-ctk/.test(tools);
  return { kind, version: output[0]?.trim() || null, available: true, gpu_support: gpuSupport };
}

/** Probe one host in a single round trip. Throws only when the host cannot run the script. */
export async function probeHost(
  host: RemoteHost,
  config: HostConfig,
  options: { timeoutMs?: number; address?: string; forPlacement?: boolean } = {},
): Promise<HostProbe> {
  const started = Date.now();
  const result = await host.script(
    `${probeScript}${listLeasesScript}`,
    [
      hostWorkdir(config),
      config.runtime,
      config.python,
      options.forPlacement ? "placement" : "full",
    ],
    { timeoutMs: options.timeoutMs ?? 15_000 },
  );
  if (result.timedOut) {
    throw new InfraError(
      `host ${host.name}: the probe did not finish in ${options.timeoutMs ?? 15_000} ms`,
      {
        code: "hosts.probe_timeout",
      },
    );
  }
  const sections = parseSections(result.stdout);
  const first = (name: string) => sections.get(name)?.[0]?.trim() || null;
  const gpuLines = rcOf(sections.get("gpus") ?? []);
  const allGpus = gpuLines.rc === "0" ? parseNvidiaSmiCsv(gpuLines.output.join("\n")) : [];
  const allowed = config.gpus === "auto" ? null : new Set(config.gpus);
  const gpus = allGpus.filter((gpu) => allowed === null || allowed.has(gpu.index));
  const workdirLines = sections.get("workdir") ?? [];
  const diskFields = (sections.get("disk")?.[0] ?? "").trim().split(/\s+/);
  const availableKib = Number(diskFields[3]);
  const slurm =
    config.kind === "slurm" && !options.forPlacement
      ? await probeSlurmCluster(host, options.timeoutMs ?? 15_000)
      : undefined;
  return {
    name: host.name,
    address: options.address ?? host.name,
    reachable: true,
    os: first("os"),
    kernel: first("kernel"),
    runtime: runtimeOf(config, sections, allGpus.length > 0),
    gpus,
    gpu_error:
      gpuLines.rc === "0" || gpuLines.rc === "absent" || gpuLines.rc === ""
        ? null
        : gpuLines.output.join(" ").trim() || `nvidia-smi exit ${gpuLines.rc}`,
    disk_free_bytes:
      sections.has("disk") && Number.isFinite(availableKib) ? availableKib * 1024 : null,
    workdir: sections.has("disk") ? (workdirLines[workdirLines.length - 1] ?? null) : null,
    leases: parseLeases((sections.get("leases") ?? []).join("\n")),
    ...(slurm ? { slurm } : {}),
    probe_ms: Date.now() - started,
  };
}

function unreachable(name: string, address: string, error: unknown, started: number): HostProbe {
  const described = isTunectlError(error)
    ? { code: error.code, message: error.message, ...(error.hint ? { hint: error.hint } : {}) }
    : { code: "internal", message: error instanceof Error ? error.message : String(error) };
  return {
    name,
    address,
    reachable: false,
    error: described,
    os: null,
    kernel: null,
    runtime: null,
    gpus: [],
    gpu_error: null,
    disk_free_bytes: null,
    workdir: null,
    leases: [],
    probe_ms: Date.now() - started,
  };
}

/**
 * Probe hosts concurrently; each is bounded by `timeoutMs` (connect included), so one dead
 * host never holds up the rest. Never throws for a host's failure: it is in the result.
 */
export async function probeHosts(
  pool: HostPool,
  options: { names?: string[]; timeoutMs?: number } = {},
): Promise<HostProbe[]> {
  const timeoutMs = options.timeoutMs ?? 20_000;
  const names = options.names ?? pool.names();
  return Promise.all(
    names.map(async (name) => {
      const started = Date.now();
      const address = pool.address(name);
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new InfraError(`host ${name}: no answer within ${timeoutMs} ms`, {
                code: "ssh.unreachable",
              }),
            ),
          timeoutMs,
        );
      });
      try {
        const work = (async () => {
          const host = await pool.get(name);
          return probeHost(host, pool.config(name), {
            address,
            timeoutMs: Math.max(1_000, timeoutMs - (Date.now() - started)),
          });
        })();
        work.catch(() => {});
        return await Promise.race([work, deadline]);
      } catch (error) {
        return unreachable(name, address, error, started);
      } finally {
        clearTimeout(timer);
      }
    }),
  );
}
