import os from "node:os";
import type { RunRegistryPort } from "./run-registry-port.js";
import { currentAttempt, type Placement, type RunRecord } from "./run-record.js";

/**
 * Drive a run's current attempt from pending (or staging) to running through the same events a
 * launch applies: for tests and fixtures that need a run placed on a host without launching one.
 */
export async function walkToRunning(
  registry: Pick<RunRegistryPort, "get" | "apply">,
  runId: string,
  placement: Placement,
  handle = "fixture",
): Promise<RunRecord> {
  const attempt = currentAttempt(await registry.get(runId))!.n;
  const launcher = { pid: process.pid, machine: os.hostname() };
  await registry.apply(runId, { type: "placing_started", attempt, launcher });
  await registry.apply(runId, { type: "placed", attempt, placement });
  return registry.apply(runId, { type: "started", attempt, handle });
}
