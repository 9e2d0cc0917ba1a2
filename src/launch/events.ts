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
