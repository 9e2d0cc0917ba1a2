import { InfraError, InterruptedError } from "../errors/index.js";
import type { RemoteHost } from "../hosts/index.js";

/** `python -m trainer export ...` arguments after the interpreter (scripts/trainer/trainer/__main__.py). */
export function trainerExportArgs(a: {
  checkpoint: string;
  out: string;
  runId: string;
  merge: boolean;
}): string[] {
  return ["-m", "trainer", ...exportSubcommand(a)];
}

/** What follows `python -m trainer` (or an image whose entrypoint is it). */
export function exportSubcommand(a: {
  checkpoint: string;
  out: string;
  runId: string;
  merge: boolean;
}): string[] {
  return [
    "export",
    "--checkpoint",
    a.checkpoint,
    "--out",
    a.out,
    "--run-id",
    a.runId,
    ...(a.merge ? ["--merge"] : []),
  ];
}

function lastLines(text: string, n: number): string {
  return text.trim().split("\n").slice(-n).join("\n");
}

export const trainerExportFailed = {
  /** The trainer's export exited non-zero: its own last words say why (a base it cannot load, a full disk). */
  error(where: string, result: { code: number | null; stdout: string; stderr: string }) {
    const said = lastLines(`${result.stdout}\n${result.stderr}`, 6);
    return new InfraError(
      `the trainer's export on ${where} failed (exit ${result.code}):\n${said}`,
      {
        code: "export.trainer_failed",
        hint:
          "a base model it cannot load (a hub id needs HF_TOKEN or a cache; HF_HUB_OFFLINE=1 searches " +
          "only the cache) can be exported where the run trained: add --on-host",
      },
    );
  },
  unreachable(runId: string, step: number) {
    return new InfraError(
      `checkpoint step ${step} of run ${runId} is listed but no copy can be fetched now`,
      {
        code: "export.checkpoint_unreachable",
        hint: "the run's host or the bucket did not answer: try again, or `tunectl sync RUN` first",
        data: { run: runId, step },
      },
    );
  },
};

/**
 * Runs the trainer's export on `host` (this machine or the run's host) and collects its output;
 * an abort (Ctrl-C) ends it, so the caller's cleanup removes what it had written.
 */
export async function runTrainerExport(
  host: RemoteHost,
  where: string,
  argv: string[],
  { env, signal }: { env?: Record<string, string>; signal?: AbortSignal },
): Promise<void> {
  const output: Buffer[] = [];
  const collect = (chunk: Buffer) => void output.push(chunk);
  const result = await host.stream(argv, {
    ...(env ? { env } : {}),
    ...(signal ? { signal } : {}),
    onStdout: collect,
    onStderr: collect,
  });
  if (signal?.aborted) {
    throw new InterruptedError("export interrupted: nothing was written to --out", {
      code: "export.interrupted",
    });
  }
  if (result.code !== 0) {
    throw trainerExportFailed.error(where, {
      code: result.code,
      stdout: Buffer.concat(output).toString("utf8"),
      stderr: "",
    });
  }
}
