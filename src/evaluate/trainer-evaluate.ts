import { randomBytes } from "node:crypto";
import path from "node:path";
import { InfraError, InterruptedError, UserError, remoteError } from "../errors/index.js";
import type { RemoteHost } from "../hosts/index.js";
import { layoutFromRunDir, shipTrainer, trainerPython } from "../launch/index.js";
import type { Reporter } from "../report/index.js";
import { containerTrainerArgv, type HostTrainerTarget } from "../export/index.js";
import { evalResultSchema, parseDocument, type EvalResult } from "../contract/index.js";

/** Where a run's checkpoints are: the host of its latest attempt, with its runtime. */
export interface EvalTarget extends HostTrainerTarget {
  /** The staged dataset the run trained on (its eval.jsonl is the eval split). */
  fingerprint: string;
}

/** What follows `python -m trainer` (or an image whose entrypoint is it). */
export function evaluateSubcommand(a: {
  config: string;
  data: string;
  out: string;
  checkpoint: string | null;
}): string[] {
  return [
    "evaluate",
    "--config",
    a.config,
    "--data",
    a.data,
    "--out",
    a.out,
    ...(a.checkpoint ? ["--checkpoint", a.checkpoint] : []),
  ];
}

/**
 * Runs `python -m trainer evaluate` for one step (0: the base model) where the run's
 * checkpoints are, in the run's runtime, and reads back its result; the result file on the
 * host is removed whatever happened.
 */
export async function evaluateOnHost(
  target: EvalTarget,
  reporter: Reporter,
  job: { runId: string; step: number; signal?: AbortSignal },
): Promise<EvalResult> {
  const { host } = target;
  const layout = layoutFromRunDir(target.hostDir);
  const dataDir = layout.dataset(target.fingerprint);
  if (!(await host.stat(path.posix.join(dataDir, "train.jsonl")))) {
    throw new InfraError(
      `the dataset ${target.fingerprint} of ${job.runId} is no longer on ${host.name}`,
      {
        code: "eval.data_missing",
        hint: "`tunectl resume RUN` stages it again; then rerun tunectl eval",
        data: { run: job.runId, host: host.name },
      },
    );
  }
  const name = `.tmp-step-${job.step}-${randomBytes(3).toString("hex")}.json`;
  const remoteOut = path.posix.join(layout.output, "evals", name);
  const made = await host.exec(["mkdir", "-p", path.posix.dirname(remoteOut)], {
    timeoutMs: 60_000,
  });
  if (made.code !== 0) throw remoteError(`creating ${remoteOut} on ${host.name}`, made.stderr);
  try {
    await runEvaluate(target, reporter, job, dataDir, remoteOut, name);
    return parseDocument(evalResultSchema, await host.readFile(remoteOut), {
      host: host.name,
      file: remoteOut,
    });
  } finally {
    await host.exec(["rm", "-f", remoteOut], { timeoutMs: 60_000 }).catch(() => undefined);
  }
}

async function runEvaluate(
  target: EvalTarget,
  reporter: Reporter,
  job: { runId: string; step: number; signal?: AbortSignal },
  dataDir: string,
  remoteOut: string,
  name: string,
): Promise<void> {
  const { host } = target;
  const layout = layoutFromRunDir(target.hostDir);
  const checkpoint = (root: string) =>
    job.step === 0 ? null : path.posix.join(root, `step-${job.step}`);
  if (target.runtime === "process") {
    const pythonPath = await shipTrainer(host, target.workdir);
    const python = await trainerPython(host, target.python, reporter);
    const argv = evaluateSubcommand({
      config: layout.trainJson,
      data: dataDir,
      out: remoteOut,
      checkpoint: checkpoint(layout.checkpoints),
    });
    return streamTrainer(host, [python, "-m", "trainer", ...argv], job, { PYTHONPATH: pythonPath });
  }
  // docker | podman: the run's image, whose entrypoint is `python -m trainer`, over its files
  const argv = [
    ...(await containerTrainerArgv(target, [`${layout.config}:/config:ro`, `${dataDir}:/data:ro`])),
    ...evaluateSubcommand({
      config: "/config/train.json",
      data: "/data",
      out: `/output/evals/${name}`,
      checkpoint: checkpoint("/output/checkpoints"),
    }),
  ];
  return streamTrainer(host, argv, job);
}

function lastLines(text: string, n: number): string {
  return text.trim().split("\n").slice(-n).join("\n");
}

async function streamTrainer(
  host: RemoteHost,
  argv: string[],
  job: { runId: string; step: number; signal?: AbortSignal },
  env?: Record<string, string>,
): Promise<void> {
  const output: Buffer[] = [];
  const collect = (chunk: Buffer) => void output.push(chunk);
  const result = await host.stream(argv, {
    ...(env ? { env } : {}),
    ...(job.signal ? { signal: job.signal } : {}),
    onStdout: collect,
    onStderr: collect,
  });
  if (job.signal?.aborted) {
    throw new InterruptedError("eval interrupted: nothing was stored for this checkpoint", {
      code: "eval.interrupted",
    });
  }
  if (result.code !== 0) {
    const said = lastLines(Buffer.concat(output).toString("utf8"), 8);
    throw new InfraError(
      `the trainer's evaluate of ${job.runId} step ${job.step} on ${host.name} failed (exit ${result.code}):\n${said}`,
      {
        code: "eval.trainer_failed",
        hint: "its last words above say why (a base model it cannot load, memory); the run's own log shows how it trained",
        data: { run: job.runId, step: job.step, host: host.name },
      },
    );
  }
}

/** A run whose latest attempt never reached a host has no checkpoints to evaluate. */
export function neverPlaced(runId: string): UserError {
  return new UserError(`run ${runId} never reached a host: it has no checkpoints to evaluate`, {
    code: "eval.no_host",
    hint: "`tunectl show RUN` shows why its attempts ended",
    data: { run: runId },
  });
}
