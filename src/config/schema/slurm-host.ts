import { z } from "zod";

/**
 * Slurm's own time formats (sbatch --time): minutes, minutes:seconds, hours:minutes:seconds,
 * days-hours, days-hours:minutes, days-hours:minutes:seconds, or UNLIMITED/INFINITE.
 */
export const slurmTimePattern =
  /^(?:\d+|\d+:\d{1,2}|\d+:\d{1,2}:\d{1,2}|\d+-\d{1,2}|\d+-\d{1,2}:\d{1,2}|\d+-\d{1,2}:\d{1,2}:\d{1,2}|UNLIMITED|INFINITE)$/i;

/** A name Slurm stores (partition, account, QOS): no spaces or shell metacharacters. */
const slurmName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.+-]*$/, {
  message: "must be a Slurm name (letters, digits, '_', '.', '+', '-')",
});

/** The fields only a `kind: slurm` host has; every one is passed to sbatch as its own option. */
export const slurmHostFields = {
  shared_dir: z
    .string()
    .regex(/^\//, { message: "must be an absolute path on the cluster's shared filesystem" })
    .optional()
    .describe(
      "kind: slurm: absolute directory on storage the login host and every node see; runs, datasets and the trainer live under it (it replaces workdir).",
    ),
  partition: slurmName
    .optional()
    .describe("kind: slurm: sbatch --partition (default: the cluster's)."),
  account: slurmName.optional().describe("kind: slurm: sbatch --account."),
  qos: slurmName.optional().describe("kind: slurm: sbatch --qos."),
  constraint: z
    .string()
    .regex(/^[A-Za-z0-9_.,&|*()[\]:-]+$/, { message: "must be a Slurm feature expression" })
    .optional()
    .describe("kind: slurm: sbatch --constraint (node features, e.g. a100|h100)."),
  time: z
    .string()
    .regex(slurmTimePattern, {
      message:
        'must be a Slurm time: "MM", "MM:SS", "HH:MM:SS", "D-HH", "D-HH:MM", "D-HH:MM:SS" or UNLIMITED',
    })
    .optional()
    .describe("kind: slurm: sbatch --time, the job's time limit (default: the partition's)."),
  signal: z
    .string()
    .regex(/^(?:SIG)?[A-Z0-9]+@\d+$/, { message: 'must be SIGNAL@SECONDS, e.g. "USR1@90"' })
    .optional()
    .describe(
      "kind: slurm: signal (default USR1@90) sent to the job this many seconds before its time limit (sbatch --signal=B:...); the job script turns it into the trainer's SIGTERM checkpoint.",
    ),
  requeue: z
    .boolean()
    .optional()
    .describe(
      "kind: slurm: sbatch --requeue, default true (a preempted or node-failed job is queued again).",
    ),
  sbatch_options: z
    .array(
      z.string().regex(/^--[a-z][a-z0-9-]*(=[^\n\r]*)?$/, {
        message: 'must be one long sbatch option, e.g. "--mem=64G" or "--exclusive"',
      }),
    )
    .optional()
    .describe("kind: slurm: extra sbatch options, one per entry, written as #SBATCH lines."),
};

const slurmOnly = [
  "shared_dir",
  "signal",
  "requeue",
  "partition",
  "account",
  "qos",
  "constraint",
  "time",
  "sbatch_options",
] as const;

/** `kind: slurm` needs a shared directory; Slurm fields on an SSH host would be silently dropped. */
export function slurmHostRule(
  host: { kind?: "ssh" | "slurm" | undefined; runtime: string } & Partial<
    Record<(typeof slurmOnly)[number], unknown>
  >,
  ctx: z.RefinementCtx,
): void {
  if (host.kind === "slurm") {
    if (host.shared_dir === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["shared_dir"],
        message:
          "a kind: slurm host needs shared_dir: an absolute directory the login host and the nodes share",
      });
    }
    if (host.runtime !== "process") {
      ctx.addIssue({
        code: "custom",
        path: ["runtime"],
        message: `runtime ${host.runtime} is not supported on Slurm yet; use runtime: process (a Python on shared storage, or auto)`,
      });
    }
    return;
  }
  for (const key of slurmOnly) {
    const value = host[key];
    if (value === undefined) continue;
    ctx.addIssue({
      code: "custom",
      path: [key],
      message: `${key} is a Slurm setting: only a host with kind: slurm has it`,
    });
  }
}
