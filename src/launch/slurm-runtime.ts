import path from "node:path/posix";
import { InfraError, remoteError } from "../errors/index.js";
import { shellQuote, type RemoteHost } from "../hosts/index.js";
import type { AttemptProbe, ContainerRuntime, LaunchSpec } from "./container-runtime.js";
import type { HostLayout } from "./host-layout.js";
import { parseSlurmProbe, probeFromSlurm } from "./slurm-job-state.js";
import { renderBatchScript, type SlurmJob } from "./slurm-script.js";

/** The batch script of an attempt, beside the run on the shared filesystem. */
export const batchScriptPath = (layout: HostLayout, attempt: number) =>
  path.join(layout.runDir, `attempt-${attempt}.sbatch`);

/**
 * One round trip: the env file from stdin (0600; the job deletes it when it starts), the
 * script written, then sbatch. `--parsable` prints `jobid[;cluster]`.
 */
const submit = `env_file=$1 script=$2 exit_file=$3
rm -f "$exit_file"
(umask 077; cat > "$env_file") || exit 1
command -v sbatch >/dev/null || { echo "sbatch: not found on the login host" >&2; exit 127; }
sbatch --parsable "$script"`;

/**
 * sacct (disabled without slurmdbd), squeue (forgets after MinJobAge), scontrol; then what the
 * batch script left: the trainer's exit file, the requeue marker after the time-limit
 * warning, and the next attempt's log (the job runs again) with the checkpoint it resumes from.
 */
const probe = `job=$1 exit_file=$2 requeue_file=$3 next_log=$4 next_resume=$5
echo @@sacct; sacct -n -P -X -j "$job" -o JobIDRaw,State,ExitCode,Reason 2>&1; echo "rc=$?"
echo @@squeue; squeue -h -t all -j "$job" -o '%i|%T|%r' 2>&1; echo "rc=$?"
echo @@scontrol; scontrol show job -o "$job" 2>&1; echo "rc=$?"
if [ -s "$exit_file" ]; then echo @@exit; cat "$exit_file"; fi
if [ -e "$requeue_file" ]; then echo @@requeue; cat "$requeue_file"; fi
if [ -e "$next_log" ]; then echo @@next; cat "$next_resume" 2>/dev/null; fi
true`;

/** SIGTERM to a started job's batch shell; a pending one (signals are refused) is cancelled. */
const stop = `job=$1
if [ "$(squeue -h -j "$job" -o %T 2>/dev/null)" = PENDING ]; then exec scancel "$job"; fi
exec scancel --full --signal=TERM "$job"`;

/** The trainer's argv on a node: the process runtime's, with paths on the shared filesystem. */
export function trainerCommand(spec: Pick<LaunchSpec, "python" | "layout" | "dataDir">): string[] {
  return [
    spec.python,
    "-m",
    "trainer",
    "--config",
    spec.layout.trainJson,
    "--data",
    spec.dataDir,
    "--output",
    spec.layout.output,
  ];
}

export function slurmJob(spec: LaunchSpec): SlurmJob {
  if (!spec.slurm) throw new Error("the slurm runtime needs the host's Slurm settings");
  const { layout, attempt } = spec;
  return {
    runId: spec.runId,
    attempt,
    host: spec.slurm.host,
    gpus: spec.slurm.gpus,
    nodes: spec.slurm.nodes,
    runDir: layout.runDir,
    output: layout.output,
    envFile: layout.envFile(attempt),
    command: trainerCommand(spec),
  };
}

function envFileText(env: Record<string, string>): string {
  return Object.entries(env)
    .map(([name, value]) => `${name}=${shellQuote(value)}\n`)
    .join("");
}

export const slurmRuntime: ContainerRuntime = {
  kind: "slurm",
  async start(host: RemoteHost, spec: LaunchSpec) {
    const job = slurmJob(spec);
    const script = batchScriptPath(spec.layout, spec.attempt);
    await host.writeFile(script, renderBatchScript(job));
    const env = {
      ...spec.env,
      ...(spec.trainerPath ? { PYTHONPATH: spec.trainerPath } : {}),
    };
    const exitFile = spec.layout.exitFile(spec.attempt);
    const result = await host.script(submit, [job.envFile, script, exitFile], {
      stdin: envFileText(env),
      timeoutMs: 60_000,
    });
    const jobId = /^(\d+)/.exec(result.stdout.trim())?.[1];
    if (result.code !== 0 || !jobId) {
      throw remoteError(`submitting the job on ${host.name}`, result.stderr || result.stdout);
    }
    return jobId;
  },
  async probe(host, handle, layout: HostLayout, attempt: number): Promise<AttemptProbe> {
    const markers = [
      layout.exitFile(attempt),
      path.join(layout.runDir, `attempt-${attempt}.requeue`),
      layout.attemptLog(attempt + 1),
      path.join(layout.runDir, `attempt-${attempt + 1}.resume`),
    ];
    const result = await host.script(probe, [handle, ...markers], {
      timeoutMs: 30_000,
    });
    const parsed = parseSlurmProbe(result.stdout, handle);
    if (parsed.unanswered) {
      throw new InfraError(`asking Slurm on ${host.name} about job ${handle}: ${parsed.said}`, {
        code: "slurm.unanswered",
        hint: "check `squeue` and `sinfo` on the login host",
      });
    }
    return probeFromSlurm(handle, parsed);
  },
  /**
   * The batch shell and its children get SIGTERM: the trainer finishes its step, checkpoints,
   * exits 75. A job still waiting in the queue has nothing to checkpoint: it is cancelled.
   */
  async stop(host, handle) {
    const result = await host.script(stop, [handle], { timeoutMs: 30_000 });
    if (result.code !== 0) throw remoteError(`scancel --signal=TERM ${handle}`, result.stderr);
  },
  async kill(host, handle) {
    const result = await host.exec(["scancel", handle], { timeoutMs: 30_000 });
    if (result.code !== 0) throw remoteError(`scancel ${handle}`, result.stderr);
  },
  async cleanup() {},
};
