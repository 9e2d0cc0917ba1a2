import { UserError } from "../errors/index.js";

export interface CheckpointChoice {
  step: number;
  chosen_by: "requested" | "best_eval_loss" | "newest";
}

export interface KnownCheckpoint {
  step: number;
  metrics: Record<string, unknown>;
}

/**
 * Which checkpoint an export takes: `--checkpoint STEP` when given; else the one with the
 * lowest eval loss (the one train.save_total_limit always keeps); else, in a run that never
 * evaluated, the newest. Train loss is not used: it is one noisy batch.
 */
export function chooseCheckpoint(
  runId: string,
  known: KnownCheckpoint[],
  requested: number | undefined,
): CheckpointChoice {
  const steps = known.map((c) => c.step);
  if (known.length === 0) {
    throw new UserError(
      `run ${runId} has no checkpoints, in the registry, on its host or in the bucket`,
      {
        code: "export.no_checkpoints",
        hint:
          "checkpoints are written every train.save_steps and at the end; `tunectl checkpoints RUN` " +
          "lists them, `tunectl sync RUN` pulls them from the host while it answers",
        data: { run: runId },
      },
    );
  }
  if (requested !== undefined) {
    if (steps.includes(requested)) return { step: requested, chosen_by: "requested" };
    throw new UserError(`run ${runId} has no checkpoint at step ${requested}`, {
      code: "export.unknown_checkpoint",
      hint: `its checkpoints are at steps ${steps.join(", ")}; pass one of them to --checkpoint`,
      data: { run: runId, step: requested, steps },
    });
  }
  const evaluated = known.filter((c) => typeof c.metrics.eval_loss === "number");
  if (evaluated.length > 0) {
    const best = evaluated.reduce((a, b) =>
      (b.metrics.eval_loss as number) < (a.metrics.eval_loss as number) ? b : a,
    );
    return { step: best.step, chosen_by: "best_eval_loss" };
  }
  return { step: Math.max(...steps), chosen_by: "newest" };
}
