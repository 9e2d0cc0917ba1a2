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

/** sacct (disabled without slurmdbd), squeue (forgets after MinJobAge), scontrol; then the trainer's exit file. */
const probe = `job=$1 exit_file=$2
echo @@sacct; sacct -n -P -X -j "$job" -o JobIDRaw,State,ExitCode,Reason 2>&1; echo "rc=$?"
echo @@squeue; squeue -h -t all -j "$job" -o '%i|%T|%r' 2>&1; echo "rc=$?"
echo @@scontrol; scontrol show job -o "$job" 2>&1; echo "rc=$?"
if [ -s "$exit_file" ]; then echo @@exit; cat "$exit_file"; fi`;

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
    runDir: layout.runDir,
    output: layout.output,
    envFile: layout.envFile(attempt),
    exitFile: layout.exitFile(attempt),
    log: layout.attemptLog(attempt),
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
    const result = await host.script(submit, [job.envFile, script, job.exitFile], {
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
    const result = await host.script(probe, [handle, layout.exitFile(attempt)], {
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
  /** The batch shell and its children get SIGTERM: the trainer finishes its step, checkpoints, exits 75. */
  async stop(host, handle) {
    const result = await host.exec(["scancel", "--full", "--signal=TERM", handle], {
      timeoutMs: 30_000,
    });
    if (result.code !== 0) throw remoteError(`scancel --signal=TERM ${handle}`, result.stderr);
  },
  async kill(host, handle) {
    const result = await host.exec(["scancel", handle], { timeoutMs: 30_000 });
    if (result.code !== 0) throw remoteError(`scancel ${handle}`, result.stderr);
  },
  async cleanup() {},
};
