import type { RetryConfig } from "../config/index.js";
import { currentAttempt, unreachableSince, type RunRecord } from "../runs/index.js";

export interface RetryDecision {
  delayMs: number;
  /** Hosts the retry should not use: the one that vanished or filled up. */
  avoid: string[];
  /** The policy word that matched: failed, lost or stopped. */
  because: "failed" | "lost" | "stopped";
}

const hostFaults = new Set([
  "host.disk_full",
  "run.lost",
  "ssh.unreachable",
  "ssh.connection_lost",
]);

/** Whether the experiment's retry policy resumes this ended run, after how long, and where not. */
export function retryDecision(run: RunRecord, policy: RetryConfig): RetryDecision | undefined {
  const attempt = currentAttempt(run);
  if (!attempt || run.state === "succeeded" || run.state === "cancelled") return undefined;
  if (run.state !== "failed" && run.state !== "lost") return undefined;
  const because =
    run.state === "failed" && attempt.error?.code === "trainer.stopped" ? "stopped" : run.state;
  if (!policy.on.includes(because) || run.restarts >= policy.max_restarts) return undefined;
  const { initial_s, factor, max_s } = policy.backoff;
  const delayMs = Math.min(initial_s * factor ** run.restarts, max_s) * 1000;
  const hostFault = run.state === "lost" || hostFaults.has(attempt.error?.code ?? "");
  // A Slurm login host is not where the job ran: the scheduler keeps it off a failed node.
  const avoid = hostFault && attempt.host && attempt.runtime !== "slurm" ? [attempt.host] : [];
  return { delayMs, avoid, because };
}

/** Seconds the current attempt's host has been unreachable, or 0. */
export function unreachableSeconds(run: RunRecord, now: Date): number {
  const since = unreachableSince(currentAttempt(run));
  return since ? (now.getTime() - Date.parse(since)) / 1000 : 0;
}
