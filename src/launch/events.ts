import { declareEvent } from "../report/index.js";

/** Events of the run lifecycle and its supervisor (src/launch). */

export const launchSuperseded = declareEvent<{
  run: string;
  attempt: number;
  state: string;
  stopped?: string;
  released: boolean;
}>({
  code: "launch.superseded",
  level: "warn",
  description:
    "the attempt being launched was ended meanwhile (cancelled while placing or launching): what the launch started was stopped and its GPU leases released",
});

export const cancelKilled = declareEvent<{ run: string; attempt: number; host: string }>({
  code: "cancel.killed",
  level: "info",
  description: "cancel --force (or the end of the grace period) killed the trainer",
});

export const supervisorFollowing = declareEvent<{ run: string; attempt: number }>({
  code: "supervisor.following",
  level: "debug",
  description:
    "the supervisor follows an active run: streams it, settles it, applies its retry policy",
});

export const supervisorRetryScheduled = declareEvent<{
  run: string;
  attempt: number;
  because: string;
  delay_ms: number;
  avoid: string[];
}>({
  code: "supervisor.retry_scheduled",
  level: "warn",
  description: "a run ended failed or lost and its retry policy resumes it after a delay",
});

export const supervisorRetryFailed = declareEvent<{ run: string; error: string; code?: string }>({
  code: "supervisor.retry_failed",
  level: "error",
  description: "resuming a run under its retry policy failed",
});

export const supervisorCheckFailed = declareEvent<{ run: string; error: string }>({
  code: "supervisor.check_failed",
  level: "warn",
  description: "checking a followed run against its host failed; the next poll tries again",
});

export const supervisorFollowFailed = declareEvent<{ run: string; error: string; code?: string }>({
  code: "supervisor.follow_failed",
  level: "error",
  description:
    "following a run stopped on an error; the supervisor picks it up again on its next pass",
});

export const supervisorHostUnreachable = declareEvent<{
  run: string;
  host: string;
  seconds: number;
  lost_after_s: number;
}>({
  code: "supervisor.host_unreachable",
  level: "warn",
  description: "a followed run's host does not answer; it is declared lost after lost_after_s",
});

export const supervisorEnded = declareEvent<{ run: string; state: string; attempts: number }>({
  code: "supervisor.ended",
  level: "info",
  description: "a supervised run reached an end its retry policy does not resume",
});

type RunFailure = { run: string; error: string };

export const runCreated = declareEvent<{ run: string }>({
  code: "run.created",
  level: "info",
  description: "the run's record exists in the registry (its log file starts here)",
});

export const stageKnown = declareEvent<{ fingerprint: string; uri: string }>({
  code: "stage.known",
  level: "info",
  description: "this workspace staged the dataset before (staged marker): no bucket round trip",
});

export const launchDataset = declareEvent<{ fingerprint: string; host: string; moved: boolean }>({
  code: "launch.dataset",
  level: "info",
  description: "the staged dataset was fetched to the host, or was already there",
});

export const placementLeaseReclaimed = declareEvent<{ host: string; gpu: number; run: string }>({
  code: "placement.lease_reclaimed",
  level: "info",
  description: "a GPU lease held by a run that has ended was taken back during placement",
});

export const launchLeaseReleaseFailed = declareEvent<{ run: string; host: string; error: string }>({
  code: "launch.lease_release_failed",
  level: "warn",
  description: "an ended attempt's GPU leases could not be released (reclaimed later as dead)",
});

export const resumeCheckpoint = declareEvent<{ step: number; host: string; copied: boolean }>({
  code: "resume.checkpoint",
  level: "info",
  description: "the checkpoint a resume starts from is on the host (copied there, or kept)",
});

export const resumeFromScratch = declareEvent<{ run: string }>({
  code: "resume.from_scratch",
  level: "warn",
  description: "a resumed run has no complete checkpoint and starts again from step 0",
});

export const runCheckFailed = declareEvent<RunFailure>({
  code: "run.check_failed",
  level: "warn",
  description: "checking a run against its host failed; the run is left as recorded",
});

export const runUnreachable = declareEvent<{ run: string; host: string; error: string }>({
  code: "run.unreachable",
  level: "warn",
  description: "a run's host did not answer a check; the attempt is marked unreachable since now",
});

export const runRequeued = declareEvent<{
  run: string;
  attempt: number;
  how: "stopped" | "gone";
  resume_from: number | null;
}>({
  code: "run.requeued",
  level: "info",
  description:
    "the scheduler runs the attempt's job again (Slurm requeue after the time-limit checkpoint, a node failure or preemption): the next attempt of the same run, under the same job",
});

export const runCatchUpFailed = declareEvent<RunFailure>({
  code: "run.catch_up_failed",
  level: "warn",
  description:
    "an ended run's last logs and checkpoints could not be copied home (tunectl sync retries)",
});

export const runOrphanReaped = declareEvent<{ run: string; attempt: number; host: string }>({
  code: "run.orphan_reaped",
  level: "info",
  description:
    "an attempt settled lost while its host was away was found still running and stopped",
});

export const runOrphanReapFailed = declareEvent<{
  run: string;
  attempt: number;
  host: string;
  error: string;
}>({
  code: "run.orphan_reap_failed",
  level: "warn",
  description: "stopping an orphaned attempt failed; the next check tries again",
});

/** Another tunectl process of this workspace is staging the same data: this one waits its turn. */
export const stageWaiting = declareEvent<{ pid: number; fingerprint: string }>({
  code: "stage.waiting",
  level: "info",
  description:
    "another tunectl process is staging the same dataset; this one waits, then uses its staging",
});

export const launchTrainerVenv = declareEvent<{ host: string }>({
  code: "launch.trainer_venv",
  level: "info",
  description:
    "the trainer's virtualenv is checked (and made once per lock) on a process-runtime host",
});
