import { constants } from "node:os";
import type { AttemptProbe } from "./container-runtime.js";

/** A job as one of Slurm's tools reports it. */
export interface SlurmJobStatus {
  /** The base state (`CANCELLED by 0` -> CANCELLED). */
  state: string;
  reason?: string;
  exitCode?: number;
  /** The signal that ended the job, when ExitCode says one (`0:9`). */
  signal?: number;
  source: "sacct" | "squeue" | "scontrol";
}

/** Slurm states of a job that may still run (a requeued job goes back to pending). */
const activeStates = new Set([
  "PENDING",
  "CONFIGURING",
  "RUNNING",
  "COMPLETING",
  "SUSPENDED",
  "REQUEUED",
  "REQUEUE_FED",
  "REQUEUE_HOLD",
  "RESIZING",
  "SIGNALING",
  "STAGE_OUT",
  "STOPPED",
  "RESV_DEL_HOLD",
  "SPECIAL_EXIT",
]);

export const isActiveSlurmState = (state: string) => activeStates.has(state);

const baseState = (raw: string) => raw.trim().split(/\s+/)[0]!.replace(/\+$/, "").toUpperCase();

function exitParts(raw: string | undefined): Pick<SlurmJobStatus, "exitCode" | "signal"> {
  const match = /^(\d+):(\d+)$/.exec(raw?.trim() ?? "");
  if (!match) return {};
  const signal = Number(match[2]);
  return { exitCode: Number(match[1]), ...(signal > 0 ? { signal } : {}) };
}

const reasonOf = (raw: string | undefined) =>
  raw && raw.trim() && raw.trim() !== "None" && raw.trim() !== "(null)" ? raw.trim() : undefined;

/** `sacct -n -P -X -j JOB -o JobIDRaw,State,ExitCode,Reason`: the first line of the job itself. */
export function parseSacct(text: string, job: string): SlurmJobStatus | undefined {
  for (const line of text.split("\n")) {
    const [id, state, exit, reason] = line.split("|");
    if (id?.trim() !== job || !state) continue;
    const why = reasonOf(reason);
    return {
      state: baseState(state),
      ...exitParts(exit),
      ...(why ? { reason: why } : {}),
      source: "sacct",
    };
  }
  return undefined;
}

/** `squeue -h -t all -j JOB -o %i|%T|%r` (no exit code: squeue never shows one). */
export function parseSqueue(text: string, job: string): SlurmJobStatus | undefined {
  for (const line of text.split("\n")) {
    const [id, state, reason] = line.split("|");
    if (id?.trim() !== job || !state) continue;
    const why = reasonOf(reason);
    return { state: baseState(state), ...(why ? { reason: why } : {}), source: "squeue" };
  }
  return undefined;
}

/** `scontrol show job -o JOB`: one line of Key=Value pairs. */
export function parseScontrol(text: string, job: string): SlurmJobStatus | undefined {
  const line = text.split("\n").find((l) => new RegExp(`(^|\\s)JobId=${job}(\\s|$)`).test(l));
  if (!line) return undefined;
  const field = (key: string) => new RegExp(`(?:^|\\s)${key}=(\\S*)`).exec(line)?.[1];
  const state = field("JobState");
  if (!state) return undefined;
  const why = reasonOf(field("Reason"));
  return {
    state: baseState(state),
    ...exitParts(field("ExitCode")),
    ...(why ? { reason: why } : {}),
    source: "scontrol",
  };
}

/** Split `@@name` sections of the probe script's output. */
function sections(text: string): Map<string, string> {
  const out = new Map<string, string>();
  let name: string | undefined;
  for (const line of text.split("\n")) {
    const match = /^@@([a-z]+)$/.exec(line);
    if (match) {
      name = match[1]!;
      out.set(name, "");
    } else if (name) out.set(name, `${out.get(name)}${line}\n`);
  }
  return out;
}

export interface SlurmProbeResult {
  /** The job as the best tool that knew it says: sacct first, then squeue (state, reason), then scontrol (exit code). */
  job?: SlurmJobStatus;
  /** The exit status the batch script recorded for the trainer. */
  trainerExit?: number;
  /**
   * The job runs again as the next attempt: requeued by the batch script after the trainer
   * checkpointed on the warning signal (`stopped`), or by Slurm without its exit status (`gone`);
   * `resumeFrom` is the checkpoint the next attempt starts from, when there is one.
   */
  requeue?: { how: "stopped" | "gone"; resumeFrom?: string };
  /** Every tool failed (not only "unknown job"): the controller or the commands are not there. */
  unanswered: boolean;
  said: string;
}

const unknownJob = /invalid job id|not found|no jobs? (?:found|matching)/i;

/** Combine the sections of one probe: sacct (may be disabled), squeue, scontrol, the exit file. */
export function parseSlurmProbe(text: string, job: string): SlurmProbeResult {
  const parts = sections(text);
  const rc = (name: string) => /rc=(\d+)\s*$/.exec(parts.get(name) ?? "")?.[1];
  const body = (name: string) => (parts.get(name) ?? "").replace(/rc=\d+\s*$/, "");
  const sacct = parseSacct(body("sacct"), job);
  const squeue = parseSqueue(body("squeue"), job);
  const scontrol = parseScontrol(body("scontrol"), job);
  const exitText = parts.get("exit")?.trim();
  const trainerExit = exitText && /^\d+$/.test(exitText) ? Number(exitText) : undefined;
  const marker = parts.has("requeue") ? "requeue" : parts.has("next") ? "next" : undefined;
  const resumeFrom = marker ? parts.get(marker)!.trim() : undefined;
  const requeue = marker
    ? {
        how: marker === "requeue" ? ("stopped" as const) : ("gone" as const),
        ...(resumeFrom ? { resumeFrom } : {}),
      }
    : undefined;
  // squeue knows the live state and pending reason; scontrol and sacct know the exit code.
  const exitSource = sacct ?? scontrol;
  const live = sacct ?? squeue ?? scontrol;
  const found = live
    ? {
        ...live,
        ...(exitSource?.exitCode !== undefined ? { exitCode: exitSource.exitCode } : {}),
        ...(exitSource?.signal !== undefined ? { signal: exitSource.signal } : {}),
      }
    : undefined;
  const answered = ["sacct", "squeue", "scontrol"].some(
    (name) => rc(name) === "0" || unknownJob.test(body(name)),
  );
  return {
    ...(found ? { job: found } : {}),
    ...(trainerExit !== undefined ? { trainerExit } : {}),
    ...(requeue ? { requeue } : {}),
    unanswered: !answered && trainerExit === undefined && !requeue,
    said: ["sacct", "squeue", "scontrol"]
      .map((name) => body(name).trim())
      .filter(Boolean)
      .join("; "),
  };
}

export function signalName(signal: number): string {
  const entry = Object.entries(constants.signals).find(([, n]) => n === signal);
  return entry ? entry[0] : `signal ${signal}`;
}

/** "Slurm job 12 TIMEOUT (killed by SIGTERM)", "Slurm job 12 PENDING (Priority)". */
export function describeJob(jobId: string, job: SlurmJobStatus): string {
  const why = job.signal
    ? `killed by ${signalName(job.signal)}`
    : job.reason && job.reason !== "NonZeroExitCode"
      ? job.reason
      : job.exitCode
        ? `exit ${job.exitCode}`
        : undefined;
  return `Slurm job ${jobId} ${job.state}${why ? ` (${why})` : ""}`;
}

/**
 * The attempt as tunectl sees it. The trainer's own exit status (written by the batch script)
 * decides an end; a job that may still run is running (pending included: its reason is the
 * detail); a job Slurm ended without the trainer's status (time limit, node failure, preemption,
 * scancel) or forgot is gone, which the reconciler makes lost, or cancelled when it was stopping.
 */
export function probeFromSlurm(jobId: string, result: SlurmProbeResult): AttemptProbe {
  const { job } = result;
  if (result.trainerExit !== undefined) {
    return {
      state: "exited",
      exitCode: result.trainerExit,
      ...(job ? { detail: describeJob(jobId, job) } : {}),
    };
  }
  if (result.requeue) {
    return {
      state: "requeued",
      how: result.requeue.how,
      ...(result.requeue.resumeFrom ? { resumeFrom: result.requeue.resumeFrom } : {}),
      detail: job ? describeJob(jobId, job) : `Slurm job ${jobId}`,
    };
  }
  if (job && isActiveSlurmState(job.state)) {
    return {
      state: "running",
      detail: describeJob(jobId, job),
      scheduler: { state: job.state, ...(job.reason ? { reason: job.reason } : {}) },
    };
  }
  if (job?.state === "FAILED" || job?.state === "COMPLETED") {
    return {
      state: "exited",
      exitCode: job.signal ? 128 + job.signal : (job.exitCode ?? (job.state === "FAILED" ? 1 : 0)),
      detail: describeJob(jobId, job),
    };
  }
  return {
    state: "gone",
    detail: job ? describeJob(jobId, job) : `Slurm job ${jobId} is not known to the cluster`,
  };
}
