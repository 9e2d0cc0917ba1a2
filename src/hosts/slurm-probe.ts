import type { RemoteHost } from "./remote-host.js";

/** Nodes of a partition by state, as `sinfo %F` counts them. */
export interface NodeCounts {
  allocated: number;
  idle: number;
  other: number;
  total: number;
}

/** One partition of a Slurm cluster as `tunectl hosts` shows it. */
export interface SlurmPartition {
  name: string;
  /** The partition jobs go to without `--partition` (sinfo marks it `*`). */
  default: boolean;
  /** `up`, `down`, `drain`, `inact`. */
  availability: string;
  time_limit: string;
  nodes: NodeCounts;
  /** GPUs the partition's nodes have (`gres/gpu` of CfgTRES) and those jobs hold (AllocTRES). */
  gpus: { allocated: number; total: number };
}

/** The cluster behind a `kind: slurm` login host: its partitions, or why Slurm did not say. */
export interface SlurmClusterProbe {
  partitions: SlurmPartition[];
  error?: string;
}

const script = `echo @@sinfo; sinfo -h -o '%P|%a|%l|%F|%N' 2>&1; echo "rc=$?"
echo @@nodes; scontrol -o show node 2>&1; echo "rc=$?"`;

function section(text: string, name: string): { lines: string[]; ok: boolean } {
  const body = text.split(`@@${name}\n`)[1]?.split("\n@@")[0] ?? "";
  const lines = body.split("\n").filter((line) => line.trim() !== "");
  const rc = /^rc=(\d+)$/.exec(lines.at(-1) ?? "")?.[1];
  return { lines: lines.slice(0, -1), ok: rc === "0" };
}

/** `gres/gpu=4` (or `gres/gpu:a100=4` alone) in a TRES list. */
function gpusIn(tres: string | undefined): number {
  const match = /(?:^|,)gres\/gpu=(\d+)/.exec(tres ?? "");
  return match ? Number(match[1]) : 0;
}

/** Per node: its partitions and GPUs, from `scontrol -o show node` (one line of Key=Value per node). */
export function parseNodeGpus(lines: string[]): Map<string, { total: number; allocated: number }> {
  const nodes = new Map<string, { total: number; allocated: number }>();
  for (const line of lines) {
    const field = (key: string) => new RegExp(`(?:^|\\s)${key}=(\\S*)`).exec(line)?.[1];
    const name = field("NodeName");
    if (!name) continue;
    nodes.set(name, { total: gpusIn(field("CfgTRES")), allocated: gpusIn(field("AllocTRES")) });
  }
  return nodes;
}

/** `h[2-3],gpu01` -> h2, h3, gpu01 (sinfo's compressed host lists). */
export function expandHostList(list: string): string[] {
  const out: string[] = [];
  for (const part of list.match(/[^,[]+(?:\[[^\]]*\])?[^,]*/g) ?? []) {
    const match = /^([^[]*)\[([^\]]*)\](.*)$/.exec(part);
    if (!match) {
      if (part && part !== "(null)") out.push(part);
      continue;
    }
    const [, prefix, ranges, suffix] = match;
    for (const range of ranges!.split(",")) {
      const [from, to = from] = range.split("-");
      for (let n = Number(from); n <= Number(to); n++) {
        out.push(`${prefix}${String(n).padStart(from!.length, "0")}${suffix}`);
      }
    }
  }
  return out;
}

/** `sinfo -h -o '%P|%a|%l|%F|%N'` lines, with the nodes' GPUs summed per partition. */
export function parsePartitions(
  lines: string[],
  nodeGpus: Map<string, { total: number; allocated: number }>,
): SlurmPartition[] {
  return lines.flatMap((line) => {
    const [name, availability, timeLimit, counts, nodeList] = line.split("|");
    const [allocated, idle, other, total] = (counts ?? "").split("/").map(Number);
    if (!name || total === undefined || Number.isNaN(total)) return [];
    const gpus = { allocated: 0, total: 0 };
    for (const node of expandHostList(nodeList ?? "")) {
      gpus.allocated += nodeGpus.get(node)?.allocated ?? 0;
      gpus.total += nodeGpus.get(node)?.total ?? 0;
    }
    return [
      {
        name: name.replace(/\*$/, ""),
        default: name.endsWith("*"),
        availability: availability ?? "",
        time_limit: timeLimit ?? "",
        nodes: { allocated: allocated!, idle: idle!, other: other!, total },
        gpus,
      },
    ];
  });
}

/** One round trip to the login host: sinfo's partitions and scontrol's nodes. */
export async function probeSlurmCluster(
  host: RemoteHost,
  timeoutMs: number,
): Promise<SlurmClusterProbe> {
  const result = await host.script(script, [], { timeoutMs });
  const sinfo = section(result.stdout, "sinfo");
  if (!sinfo.ok) {
    return { partitions: [], error: sinfo.lines.join(" ").trim() || "sinfo did not answer" };
  }
  const nodes = section(result.stdout, "nodes");
  return { partitions: parsePartitions(sinfo.lines, parseNodeGpus(nodes.ok ? nodes.lines : [])) };
}
