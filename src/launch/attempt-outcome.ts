import { checkDocument, trainerStatusSchema, type TrainerStatus } from "../contract/index.js";
import { matchRemoteError } from "../errors/index.js";
import type { RemoteHost } from "../hosts/index.js";
import type { AttemptError } from "../runs/index.js";
import type { HostLayout } from "./host-layout.js";

/** What the host says about an exit: the trainer's step and, for a non-zero exit, why. The reducer decides the state. */
export interface AttemptOutcome {
  exitCode: number;
  step?: number;
  error?: AttemptError;
}

/** Exit status 75: the trainer stopped on SIGTERM after writing a checkpoint. */
export const stoppedExitCode = 75;

/**
 * The trainer's `/output/status.json` (src/contract/trainer-status.ts): absent when the trainer
 * died before writing it; one that breaks the contract is not trusted and named in `problem`.
 */
async function readStatus(
  host: RemoteHost,
  layout: HostLayout,
): Promise<{ status?: TrainerStatus; problem?: string }> {
  const bytes = await host.readFile(layout.status).catch(() => undefined);
  if (bytes === undefined) return {};
  const checked = checkDocument(trainerStatusSchema, bytes);
  if (checked.ok) return { status: checked.value };
  return {
    problem: `${host.name}: ${layout.status} breaks the trainer contract: ${checked.problem}`,
  };
}

async function logTail(host: RemoteHost, layout: HostLayout, attempt: number): Promise<string> {
  const stat = await host.stat(layout.attemptLog(attempt)).catch(() => null);
  if (!stat) return "";
  const offset = Math.max(0, stat.size - 4096);
  return (await host.readFile(layout.attemptLog(attempt), { offset })).toString("utf8");
}

const freeSpace = `df -Pk "$1" | awk 'NR==2 {print $2, $4}'`;

/**
 * A trainer that died of a full disk often cannot say so: its status.json and the end of its
 * log are the writes that failed. The filesystem of its output, nearly full after the exit
 * (under 2% and under 1 GiB free), names the cause instead.
 */
async function outputDiskFull(host: RemoteHost, layout: HostLayout): Promise<string | undefined> {
  const result = await host.script(freeSpace, [layout.output], { timeoutMs: 30_000 });
  const [sizeK, freeK] = result.stdout.trim().split(/\s+/).map(Number);
  if (result.code !== 0 || !Number.isFinite(sizeK) || !Number.isFinite(freeK)) return undefined;
  return freeK! * 1024 < Math.min(sizeK! * 1024 * 0.02, 1024 ** 3)
    ? `${freeK} KiB free of ${sizeK} KiB on ${host.name} in ${layout.output}`
    : undefined;
}

/**
 * What an exited attempt says, from its exit status, status.json and, for failures, its log's
 * tail. Exit 75 is "stopped on SIGTERM": a cancel when the attempt was stopping (the reducer
 * makes it `cancelled`), else a stop from outside tunectl (`failed`, `trainer.stopped`).
 */
export async function attemptOutcome(
  host: RemoteHost,
  layout: HostLayout,
  attempt: number,
  exitCode: number,
): Promise<AttemptOutcome> {
  const { status, problem } = await readStatus(host, layout);
  const step = status?.step;
  const withStep = step === undefined ? {} : { step };
  if (exitCode === 0) return { exitCode, ...withStep };
  if (exitCode === stoppedExitCode) {
    return {
      exitCode,
      ...withStep,
      error: {
        code: "trainer.stopped",
        message:
          "the trainer was stopped by SIGTERM from outside tunectl (host shutdown or preemption?)",
      },
    };
  }
  const tail = await logTail(host, layout, attempt).catch(() => "");
  const words = status?.error ?? problem ?? tail.trim().split("\n").slice(-1)[0] ?? "";
  const known = matchRemoteError(`${status?.error ?? ""}\n${tail}`);
  const full =
    known || status?.code ? undefined : await outputDiskFull(host, layout).catch(() => undefined);
  if (full) {
    return {
      exitCode,
      ...withStep,
      error: { code: "host.disk_full", message: `disk full on the host: ${full}` },
    };
  }
  return {
    exitCode,
    ...withStep,
    error: {
      // the trainer's own code first (trainer.diverged): it knows better than a log pattern
      code: status?.code ?? known?.code ?? "trainer.failed",
      message:
        known && status?.code === undefined
          ? `${known.message}: ${words}`
          : words || `the trainer exited with status ${exitCode}`,
    },
  };
}
