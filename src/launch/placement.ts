import type { HostConfig } from "../config/index.js";
import { InfraError, UserError, type Problem } from "../errors/index.js";
import {
  acquireGpus,
  hostWorkdir,
  probeHost,
  type HostPool,
  type RemoteHost,
} from "../hosts/index.js";
import { type Reporter } from "../report/index.js";
import { isLeaseHolderAlive } from "./holder-alive.js";
import { placementLeaseReclaimed } from "./events.js";

export interface Placement {
  name: string;
  host: RemoteHost;
  config: HostConfig;
  /** Absolute workdir on the host. */
  workdir: string;
  gpus: number[];
  /** `slurm` for a Slurm login host (the trainer runs in a job, with the host's runtime there). */
  runtime: HostConfig["runtime"] | "slurm";
}

export interface PlacementRequest {
  runId: string;
  gpus: number;
  /** --host, or resources.hosts, or every host in inventory order. */
  candidates: string[];
  /** Only look: lease nothing (dry run). */
  dryRun?: boolean;
}

/**
 * The hosts a run may be placed on, in order. An attempt on several nodes (`resources.nodes`
 * > 1) is one Slurm allocation: only Slurm hosts qualify, and a user error says so when none does.
 */
export function candidateHosts(
  pool: HostPool,
  preferred: string[] | undefined,
  override?: string,
  nodes = 1,
): string[] {
  const known = new Set(pool.names());
  const wanted = override ? [override] : (preferred ?? pool.names());
  for (const name of wanted) {
    if (!known.has(name)) {
      throw new UserError(`unknown host "${name}"`, {
        code: "hosts.unknown",
        hint: `hosts in the workspace: ${pool.names().join(", ") || "(none)"}`,
      });
    }
  }
  if (nodes <= 1) return wanted;
  const slurm = wanted.filter((name) => pool.config(name).kind === "slurm");
  if (slurm.length > 0) return slurm;
  throw new UserError(
    `resources.nodes: ${nodes} needs a Slurm host, and ${wanted.length === 1 ? `${wanted[0]} is not one` : `none of ${wanted.join(", ")} is`}`,
    {
      code: "placement.multi_node_needs_slurm",
      data: { path: "resources.nodes", nodes },
      hint: "run on a host of kind: slurm (--host), or set resources.nodes: 1 (SSH and local hosts run one node per attempt)",
    },
  );
}

/**
 * Connect to the candidates (pooled, so placement reuses the connections). When none answers,
 * the one host's own error (a changed host key names both fingerprints), or every host's.
 */
export async function connectCandidates(pool: HostPool, candidates: string[]): Promise<void> {
  const settled = await Promise.allSettled(candidates.map((name) => pool.get(name)));
  if (settled.some((result) => result.status === "fulfilled")) return;
  const errors = settled.map((result) => (result as PromiseRejectedResult).reason as Error);
  if (errors.length === 1) throw errors[0]!;
  throw new InfraError(`none of the hosts ${candidates.join(", ")} can be reached`, {
    code: "hosts.none_reachable",
    problems: errors.map((error, i) => ({ message: `${candidates[i]}: ${error.message}` })),
    hint: "tunectl hosts shows each host's state",
  });
}

/**
 * Refuse, before a run is created, a GPU count that no candidate host has at all: busy GPUs
 * free up, missing ones never come. Hosts that cannot be probed now are given the benefit of
 * the doubt (placement reports them). A user error naming each host and its GPUs.
 */
export async function refuseMissingGpus(
  pool: HostPool,
  candidates: string[],
  gpus: number,
): Promise<void> {
  if (gpus === 0) return;
  const counts = await Promise.all(
    candidates.map(async (name) => {
      // A Slurm login host has no GPUs of its own: the scheduler says at submission.
      if (pool.config(name).kind === "slurm") return undefined;
      try {
        const probe = await probeHost(await pool.get(name), pool.config(name), {
          timeoutMs: 30_000,
          forPlacement: true,
        });
        return probe.reachable ? { name, gpus: probe.gpus.map((gpu) => gpu.index) } : undefined;
      } catch {
        return undefined;
      }
    }),
  );
  if (counts.some((count) => count === undefined || count.gpus.length >= gpus)) return;
  const known = counts as Array<{ name: string; gpus: number[] }>;
  const most = Math.max(...known.map((count) => count.gpus.length));
  throw new UserError(
    `resources.gpus: ${gpus} GPU(s) requested, but no host ${candidates.length === 1 ? `(${candidates[0]}) ` : ""}has that many`,
    {
      code: "placement.too_few_gpus",
      problems: known.map((count) => ({
        message: `${count.name}: ${count.gpus.length} GPU(s)${count.gpus.length ? ` (${count.gpus.join(",")})` : ""}, ${gpus} requested`,
      })),
      hint:
        most === 0
          ? "set resources.gpus: 0 to train on CPU (--set resources.gpus=0), or choose a host with GPUs (--host, resources.hosts)"
          : `ask for at most ${most} (--set resources.gpus=${most}), or choose a host with more GPUs`,
      data: { requested: gpus, hosts: known },
    },
  );
}

/**
 * The first candidate host that answers, has the runtime, and has `gpus` free GPUs, which are
 * leased on the host itself. No capacity anywhere: an error that lists what each host has.
 */
export async function placeRun(
  pool: HostPool,
  request: PlacementRequest,
  reporter: Reporter,
): Promise<Placement> {
  const why: Problem[] = [];
  for (const name of request.candidates) {
    const config = pool.config(name);
    let host: RemoteHost;
    try {
      host = await pool.get(name);
    } catch (error) {
      why.push({ message: `${name}: unreachable (${(error as Error).message})` });
      continue;
    }
    const probe = await probeHost(host, config, { timeoutMs: 30_000, forPlacement: true });
    if (!probe.reachable || !probe.workdir) {
      why.push({ message: `${name}: ${probe.error?.message ?? "probe failed"}` });
      continue;
    }
    if (probe.runtime && !probe.runtime.available) {
      why.push({
        message: `${name}: runtime ${config.runtime} not available (${probe.runtime.error ?? "not found"})`,
      });
      continue;
    }
    // Slurm allocates the GPUs: nothing is leased on the login host.
    if (config.kind === "slurm") {
      return { name, host, config, workdir: probe.workdir, gpus: [], runtime: "slurm" };
    }
    const usable = probe.gpus.map((gpu) => gpu.index);
    if (request.gpus === 0) {
      return { name, host, config, workdir: probe.workdir, gpus: [], runtime: config.runtime };
    }
    if (usable.length < request.gpus) {
      why.push({ message: `${name}: ${usable.length} GPU(s), ${request.gpus} requested` });
      continue;
    }
    if (request.dryRun) {
      const held = new Set(probe.leases.map((lease) => lease.gpu));
      const free = usable.filter((gpu) => !held.has(gpu));
      if (free.length >= request.gpus) {
        return {
          name,
          host,
          config,
          workdir: probe.workdir,
          gpus: free.slice(0, request.gpus),
          runtime: config.runtime,
        };
      }
      why.push({ message: `${name}: ${free.length} of ${usable.length} GPU(s) free` });
      continue;
    }
    const lease = await acquireGpus(host, {
      workdir: hostWorkdir(config),
      runId: request.runId,
      count: request.gpus,
      gpus: usable,
      isHolderAlive: (holder) => isLeaseHolderAlive(host, holder),
    });
    for (const reclaimed of lease.reclaimed) {
      placementLeaseReclaimed.emit(
        reporter,
        `${name}: reclaimed GPU ${reclaimed.gpu} from ended run ${reclaimed.run_id || "(unknown)"}`,
        { host: name, gpu: reclaimed.gpu, run: reclaimed.run_id },
      );
    }
    if (lease.ok) {
      return {
        name,
        host,
        config,
        workdir: probe.workdir,
        gpus: lease.gpus,
        runtime: config.runtime,
      };
    }
    const holders = lease.held.map((held) => `GPU ${held.gpu}: ${held.run_id}`).join(", ");
    why.push({ message: `${name}: ${lease.free} of ${usable.length} GPU(s) free (${holders})` });
  }
  if (request.gpus === 0) {
    throw new InfraError(`no host can take the run now`, {
      code: "placement.no_host",
      problems: why,
      hint: "tunectl hosts shows each host's state",
    });
  }
  throw new InfraError(`no host can take ${request.gpus} GPU(s) now`, {
    code: "placement.no_capacity",
    problems: why,
    hint: "wait for a run to end (tunectl gpus shows who holds what), ask for fewer GPUs, or add hosts",
  });
}
