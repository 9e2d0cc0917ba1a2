import type { HostConfig } from "../config/index.js";
import { shellQuote } from "../hosts/index.js";

/** Everything one batch script says: the scheduler's options, then the trainer's command. */
export interface SlurmJob {
  runId: string;
  attempt: number;
  host: HostConfig;
  gpus: number;
  /** Nodes of the allocation: more than 1 starts one trainer per node with srun (torchrun, c10d). */
  nodes: number;
  /** Absolute paths on the shared filesystem. */
  runDir: string;
  output: string;
  envFile: string;
  /** The trainer's argv (python -m trainer --config ... --data ... --output ...). */
  command: string[];
}

export const defaultSlurmSignal = "USR1@90";

/** A word as a person would type it: bare when the shell gives it no meaning, quoted otherwise. */
const word = (value: string) =>
  /^[A-Za-z0-9_@%+=:,./-]+$/.test(value) ? value : shellQuote(value);

/** `USR1@90` -> `B:USR1@90`: the batch shell gets it (the trainer is its child, not a step). */
export function batchSignal(signal: string | undefined): string {
  const [name, seconds] = (signal ?? defaultSlurmSignal).split("@");
  return `B:${name!.replace(/^SIG/, "")}@${seconds}`;
}

export function slurmJobName(runId: string, attempt: number): string {
  return `tunectl-${runId}-a${attempt}`;
}

/** The #SBATCH lines, in the order a reader looks for them. */
export function sbatchOptions(job: SlurmJob): string[] {
  const { host } = job;
  return [
    `--job-name=${slurmJobName(job.runId, job.attempt)}`,
    ...(host.partition ? [`--partition=${host.partition}`] : []),
    ...(host.account ? [`--account=${host.account}`] : []),
    ...(host.qos ? [`--qos=${host.qos}`] : []),
    ...(host.constraint ? [`--constraint=${host.constraint}`] : []),
    ...(host.time ? [`--time=${host.time}`] : []),
    `--nodes=${job.nodes}`,
    ...(job.nodes > 1 ? ["--ntasks-per-node=1"] : ["--ntasks=1"]),
    ...(job.gpus > 0 ? [`--gpus-per-node=${job.gpus}`] : []),
    `--signal=${batchSignal(host.signal)}`,
    host.requeue === false ? "--no-requeue" : "--requeue",
    "--open-mode=append",
    `--chdir=${job.output}`,
    `--output=${job.runDir}/slurm-%j.out`,
    ...(host.sbatch_options ?? []),
  ];
}

/** A node's address as the others reach it (its NodeAddr, resolved), in bash. */
export const nodeAddrSh =
  'node_addr() { a=$(scontrol show node "$1" | sed -n "s/.*NodeAddr=\\([^ ]*\\).*/\\1/p"); getent ahostsv4 "${a:-$1}" | awk \'{print $1; exit}\'; }';

/**
 * Several nodes: one srun task per node (`--label` prefixes each line of the log with its node's
 * task number), each running the trainer with torchrun's c10d rendezvous on the allocation's
 * first node, keyed by the run id and attempt. Each node names its own address and the
 * interface that holds it (`GLOO_SOCKET_IFNAME`/`NCCL_SOCKET_IFNAME`, unless set), so neither
 * gloo nor NCCL picks `lo` or a docker bridge. A node that fails ends every node's task.
 */
function multiNodeLaunch(job: SlurmJob): string[] {
  const perNode = [
    "export TUNECTL_NODE_RANK=$SLURM_NODEID",
    'addr=$(node_addr "$SLURMD_NODENAME")',
    'if [ -n "$addr" ]; then export TUNECTL_NODE_ADDR=$addr; fi',
    'ifname=$(ip -o -4 addr show 2>/dev/null | awk -v a="$addr" \'{split($4, p, "/")} p[1] == a {print $2; exit}\')',
    'if [ -n "$ifname" ]; then export GLOO_SOCKET_IFNAME=${GLOO_SOCKET_IFNAME:-$ifname} NCCL_SOCKET_IFNAME=${NCCL_SOCKET_IFNAME:-$ifname}; fi',
    `exec ${job.command.map(word).join(" ")}`,
  ].join("\n");
  return [
    nodeAddrSh,
    "export -f node_addr",
    'head=$(scontrol show hostnames "$SLURM_JOB_NODELIST" | head -n 1)',
    `export TUNECTL_NNODES=${job.nodes} TUNECTL_RDZV_ID=${word(job.runId)}-a$attempt`,
    'export TUNECTL_RDZV_ENDPOINT="$(node_addr "$head"):$((29500 + SLURM_JOB_ID % 20000))"',
    `echo "tunectl: ${job.nodes} nodes ($SLURM_JOB_NODELIST), rendezvous $TUNECTL_RDZV_ID at $TUNECTL_RDZV_ENDPOINT" >>"$log"`,
    `srun --label --kill-on-bad-exit=1 --nodes=${job.nodes} --ntasks-per-node=1 bash -c ${shellQuote(perNode)} >>"$log" 2>&1 </dev/null &`,
  ];
}

/** The newest checkpoint whose manifest was written (a requeued job resumes from it), in sh. */
export const newestCheckpointSh =
  'for d in "$checkpoints"/step-*; do [ -f "$d/manifest.json" ] && echo "${d##*/step-}"; done | sort -n | tail -n 1';

/**
 * The batch script tunectl submits (and `run --dry-run` prints). The body sources the run's
 * 0600 env file (secrets never on a command line; removed when the job ends, since a requeued
 * job runs this script again), starts the trainer with its output appended to the attempt log,
 * turns the warning signal and SIGTERM into the trainer's SIGTERM (finish the step, checkpoint,
 * exit 75), and records the trainer's exit status beside the run, as the process runtime does,
 * so the end is known even after Slurm forgets the job.
 *
 * Each run of the script is one attempt: the job's first run is attempt `job.attempt`, and
 * every requeue (Slurm's own after a node failure or preemption, or the script's after the
 * warning signal) the next one, resuming from the newest checkpoint whose manifest was
 * written. A trainer stopped by the warning signal is requeued by the script itself
 * (`scontrol requeue`) when the host allows requeueing; `attempt-<n>.requeue` says so.
 */
export function renderBatchScript(job: SlurmJob): string {
  const signal = batchSignal(job.host.signal).slice(2).split("@")[0]!;
  const requeue = job.host.requeue !== false;
  return [
    "#!/bin/bash",
    `# tunectl run ${job.runId}, attempt ${job.attempt}: written by tunectl, submitted with sbatch`,
    ...sbatchOptions(job).map((option) => `#SBATCH ${option}`),
    "",
    `run_dir=${word(job.runDir)}`,
    `checkpoints=${word(`${job.output}/checkpoints`)}`,
    `env_file=${word(job.envFile)}`,
    `attempt=$((${job.attempt} + \${SLURM_RESTART_COUNT:-0}))`,
    `log=${word(`${job.output}/logs`)}/attempt-$attempt.log`,
    'exit_file="$run_dir/attempt-$attempt.exit"',
    "",
    'rm -f "$exit_file" "$run_dir/attempt-$attempt.requeue"',
    'mkdir -p "$(dirname "$log")"',
    `echo "tunectl: slurm job $SLURM_JOB_ID on $SLURMD_NODENAME, attempt $attempt (restart \${SLURM_RESTART_COUNT:-0})" >>"$log"`,
    'if [ -f "$env_file" ]; then set -a; . "$env_file"; set +a; fi',
    "export TUNECTL_ATTEMPT=$attempt",
    'if [ "${SLURM_RESTART_COUNT:-0}" -gt 0 ]; then',
    `  step=$(${newestCheckpointSh})`,
    '  if [ -n "$step" ]; then export TUNECTL_RESUME_FROM="$checkpoints/step-$step"; else unset TUNECTL_RESUME_FROM; fi',
    '  echo "${TUNECTL_RESUME_FROM:-}" >"$run_dir/attempt-$attempt.resume"',
    "fi",
    "export PYTHONUNBUFFERED=1",
    "",
    ...(job.nodes > 1
      ? multiNodeLaunch(job)
      : [`${job.command.map(word).join(" ")} >>"$log" 2>&1 </dev/null &`]),
    "trainer=$!",
    "warned=",
    `trap 'kill -TERM "$trainer" 2>/dev/null' TERM`,
    ...(signal === "TERM" ? [] : [`trap 'warned=1; kill -TERM "$trainer" 2>/dev/null' ${signal}`]),
    // wait returns early when a trapped signal arrives: wait until the trainer itself has exited.
    'wait "$trainer"; status=$?',
    'while kill -0 "$trainer" 2>/dev/null; do wait "$trainer"; status=$?; done',
    ...(requeue
      ? [
          // Checkpointed before the time limit: run again as the next attempt (Slurm's TERM
          // that follows the requeue is trapped, so the marker is written after it succeeded).
          'if [ -n "$warned" ] && [ "$status" = 75 ] && scontrol requeue "$SLURM_JOB_ID"; then',
          `  echo "tunectl: checkpointed on SIG${signal}; requeued as the next attempt" >>"$log"`,
          `  step=$(${newestCheckpointSh})`,
          '  echo "${step:+$checkpoints/step-$step}" >"$run_dir/attempt-$attempt.requeue.tmp" && mv "$run_dir/attempt-$attempt.requeue.tmp" "$run_dir/attempt-$attempt.requeue"',
          "  exit 0",
          "fi",
        ]
      : []),
    'rm -f "$env_file"',
    'echo "$status" >"$exit_file.tmp" && mv "$exit_file.tmp" "$exit_file"',
    'exit "$status"',
    "",
  ].join("\n");
}
