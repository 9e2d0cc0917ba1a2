import type { RemoteErrorRow } from "./remote-error-table.js";

/** How sbatch and the Slurm controller refuse a job (Slurm 22.05+ wording). */
export const slurmErrorRows: RemoteErrorRow[] = [
  {
    code: "slurm.invalid_partition",
    kind: "user",
    pattern: /sbatch: error: invalid partition specified: (?<partition>\S+)/,
    message: (g) => `the cluster has no partition ${g.partition}`,
    resolution: "set hosts[].partition to one `sinfo -s` lists on the login host, or leave it out",
  },
  {
    code: "slurm.invalid_time",
    kind: "user",
    pattern: /sbatch: error: Invalid --time specification/,
    message: () => "sbatch refused the time limit",
    resolution: 'set hosts[].time to a Slurm time such as "30", "04:00:00" or "1-12:00:00"',
  },
  {
    code: "slurm.invalid_account",
    kind: "user",
    pattern: /Invalid account or account\/partition combination specified/,
    message: () => "the cluster refused the account (or account and partition together)",
    resolution: "set hosts[].account to an account `sacctmgr show assoc user=$USER` lists",
  },
  {
    code: "slurm.invalid_qos",
    kind: "user",
    pattern: /Invalid qos specification/,
    message: () => "the cluster refused the QOS",
    resolution: "set hosts[].qos to one your account may use, or leave it out",
  },
  {
    code: "slurm.invalid_constraint",
    kind: "user",
    pattern: /Invalid feature specification/,
    message: () => "no node of the partition has the features hosts[].constraint asks for",
    resolution: "set hosts[].constraint to features `sinfo -o %f` lists",
  },
  {
    code: "slurm.time_limit_too_long",
    kind: "user",
    pattern: /Requested time limit is invalid \(missing or exceeds some limit\)/,
    message: () => "the time limit is beyond what the partition or QOS allows",
    resolution: "lower hosts[].time (sinfo -o '%P %l' shows each partition's limit)",
  },
  {
    code: "slurm.invalid_gres",
    kind: "user",
    pattern: /Invalid generic resource \(gres\) specification/,
    message: () => "the cluster has no GPUs to give (or not as many) where the job may run",
    resolution:
      "ask for fewer GPUs (--set resources.gpus=0 for CPU), or choose a partition with GPUs (hosts[].partition)",
  },
  {
    code: "slurm.controller_unreachable",
    kind: "infra",
    pattern: /Unable to contact slurm controller|Zero Bytes were transmitted or received/,
    message: () => "the login host cannot reach the Slurm controller",
    resolution: "check `sinfo` on the login host; the controller may be down or restarting",
  },
];
