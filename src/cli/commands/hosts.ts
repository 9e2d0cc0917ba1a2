import type { HostProbe, SlurmClusterProbe } from "../../hosts/index.js";
import type { RegisterCommand } from "../app.js";
import { ExitCode } from "../exit-code.js";
import { positiveSeconds } from "../option-parsers.js";
import { renderTable } from "../table.js";

interface HostsOptions {
  timeout: number;
  resolve?: boolean;
}

/** Exit 3 when no host answered, or when a host key was refused: neither heals by itself. */
export function hostsExitCode(probes: HostProbe[]): number {
  const keyRefused = probes.some((probe) => probe.error?.code.startsWith("ssh.host_key_"));
  const noneAnswered = probes.length > 0 && probes.every((probe) => !probe.reachable);
  return keyRefused || noneAnswered ? ExitCode.infra : ExitCode.ok;
}

/** The `--json` entry: the probe plus how many of its GPUs no run holds. */
export function hostJson(probe: HostProbe) {
  const leased = new Set(probe.leases.map((lease) => lease.gpu));
  return { ...probe, gpus_free: probe.gpus.filter((gpu) => !leased.has(gpu.index)).length };
}

function gib(bytes: number | null): string | null {
  return bytes === null ? null : `${(bytes / 2 ** 30).toFixed(1)} GiB`;
}

function gpuCell(probe: HostProbe): string | null {
  if (!probe.reachable) return null;
  if (probe.gpu_error) return `error: ${probe.gpu_error}`;
  if (probe.gpus.length === 0) return "none";
  const names = new Map<string, number>();
  probe.gpus.forEach((gpu) => names.set(gpu.name, (names.get(gpu.name) ?? 0) + 1));
  const kinds = [...names].map(([name, count]) => `${count}x ${name}`).join(", ");
  return `${hostJson(probe).gpus_free}/${probe.gpus.length} free (${kinds})`;
}

function runtimeCell(probe: HostProbe): string | null {
  const runtime = probe.runtime;
  if (!runtime) return null;
  if (!runtime.available) return `${runtime.kind}: unavailable`;
  return `${runtime.kind} ${runtime.version ?? "?"}${runtime.gpu_support ? " +gpu" : ""}`;
}

export function renderHosts(probes: HostProbe[]): string {
  const table = renderTable(
    ["HOST", "ADDRESS", "STATUS", "OS", "RUNTIME", "GPUS", "DISK FREE", "RUNS"],
    probes.map((probe) => [
      probe.name,
      probe.address,
      probe.reachable ? "ok" : (probe.error?.code ?? "unreachable"),
      probe.os,
      runtimeCell(probe),
      gpuCell(probe),
      gib(probe.disk_free_bytes),
      probe.leases.length === 0
        ? "-"
        : probe.leases.map((lease) => `${lease.run_id || "?"}(gpu${lease.gpu})`).join(", "),
    ]),
  );
  const clusters = probes.flatMap((probe) =>
    probe.slurm ? [slurmBlock(probe.name, probe.slurm)] : [],
  );
  const notes = probes.flatMap((probe) => {
    if (!probe.reachable && probe.error) {
      return [
        `${probe.name}: ${probe.error.message}`,
        ...(probe.error.hint ? [`  hint: ${probe.error.hint}`] : []),
      ];
    }
    if (probe.runtime && !probe.runtime.available)
      return [`${probe.name}: ${probe.runtime.kind}: ${probe.runtime.error}`];
    return [];
  });
  return [table, ...clusters, ...(notes.length ? [notes.join("\n")] : [])].join("\n\n");
}

/** A Slurm login host's cluster: partitions with their nodes (sinfo's counts) and GPUs. */
function slurmBlock(host: string, cluster: SlurmClusterProbe): string {
  if (cluster.error) return `${host}: Slurm did not list its partitions: ${cluster.error}`;
  return renderTable(
    [`${host} PARTITION`, "STATE", "NODES IDLE", "ALLOCATED", "OTHER", "GPUS FREE", "TIME LIMIT"],
    cluster.partitions.map((p) => [
      p.default ? `${p.name} (default)` : p.name,
      p.availability,
      `${p.nodes.idle}/${p.nodes.total}`,
      p.nodes.allocated,
      p.nodes.other,
      `${p.gpus.total - p.gpus.allocated}/${p.gpus.total}`,
      p.time_limit,
    ]),
  );
}

export const registerHosts: RegisterCommand = (program, app) => {
  program
    .command("hosts")
    .description("probe every host: reachability, OS, runtime, GPUs, free disk, GPU leases")
    .option("--timeout <seconds>", "per-host limit, connecting included", positiveSeconds, 20)
    .option(
      "--resolve",
      "print each host as OpenSSH resolves it (ssh -G: hostname, user, port, keys, agent, proxy); connects to nothing",
    )
    .addHelpText(
      "after",
      "\nExamples:\n  tunectl hosts\n  tunectl hosts --resolve --json\n" +
        "\nA host key seen for the first time is refused unless --accept-new-host-key (a global\n" +
        "option) is given; a changed key is always refused. Exit 3 when no host answered or a\n" +
        "host key was refused, else 0 (unreachable hosts are listed with the reason).",
    )
    .action(
      app.action(async (ctx, options: HostsOptions) => {
        if (options.resolve) return (await import("./hosts-resolve.js")).resolveCommand(ctx);
        const { probeHosts } = await import("../../hosts/index.js");
        const probes = await probeHosts(await ctx.hosts(), { timeoutMs: options.timeout * 1000 });
        if (ctx.globals.json) ctx.io.json({ hosts: probes.map(hostJson) });
        else ctx.io.out(renderHosts(probes));
        return hostsExitCode(probes);
      }),
    );
};
