import type { CommandContext } from "../app.js";
import type { HostTrainerTarget } from "../../export/index.js";
import type { RunRecord, RuntimeKind } from "../../runs/index.js";

/** The part of an attempt that says where it ran. */
export interface PlacedAttempt {
  host: string;
  host_dir: string;
  runtime: RuntimeKind;
}

/**
 * Where a trainer entry point runs over a run's files (`export --on-host`, `eval`): the host of
 * its latest attempt, connected, with its runtime and image. A host that does not answer is an
 * InfraError with the caller's code and hint.
 */
export async function trainerTargetOf(
  ctx: CommandContext,
  run: RunRecord,
  attempt: PlacedAttempt,
  unreachable: { code: string; hint: string },
): Promise<HostTrainerTarget> {
  const { InfraError } = await import("../../errors/index.js");
  const pool = await ctx.hosts();
  const config = pool.config(attempt.host);
  const host = await pool.get(attempt.host).catch((error: Error) => {
    throw new InfraError(`host ${attempt.host} of ${run.id} does not answer: ${error.message}`, {
      ...unreachable,
      cause: error,
    });
  });
  const { hostWorkdir } = await import("../../hosts/index.js");
  const image =
    attempt.runtime === "process"
      ? ""
      : await import("../../launch/index.js").then(
          async ({ recordedExperiment }) =>
            (await recordedExperiment(await ctx.launchDeps(), run.id)).resources.image,
        );
  return {
    host,
    hostDir: attempt.host_dir,
    runtime: attempt.runtime,
    python: config.python,
    workdir: hostWorkdir(config),
    image,
  };
}
