import { UserError } from "../errors/index.js";
import { chooseCheckpoint } from "../export/index.js";

/** `--checkpoints all|best|STEP[,STEP]`; step 0 is the base model (no adapter). */
export type CheckpointSelection =
  { kind: "all" } | { kind: "best" } | { kind: "steps"; steps: number[] };

export function parseCheckpointSelection(text: string): CheckpointSelection {
  const value = text.trim();
  if (value === "all" || value === "best") return { kind: value };
  const parts = value.split(",").map((part) => part.trim());
  if (parts.length > 0 && parts.every((part) => /^\d+$/.test(part))) {
    return { kind: "steps", steps: [...new Set(parts.map(Number))].sort((a, b) => a - b) };
  }
  throw new UserError(`--checkpoints ${text}: expected all, best, or steps like 100,200`, {
    code: "usage.bad_option",
    hint: "`tunectl checkpoints RUN` lists a run's checkpoint steps; 0 is the base model",
  });
}

export interface AvailableCheckpoint {
  step: number;
  metrics: Record<string, unknown>;
  /** The checkpoint is complete on the run's host, where the trainer's evaluate reads it. */
  onHost: boolean;
}

/** The steps to evaluate, in order; refuses steps the run does not have on its host. */
export function selectCheckpoints(
  runId: string,
  known: AvailableCheckpoint[],
  selection: CheckpointSelection,
): number[] {
  const usable = known.filter((checkpoint) => checkpoint.onHost);
  if (selection.kind === "steps") {
    for (const step of selection.steps) {
      if (step === 0 || usable.some((checkpoint) => checkpoint.step === step)) continue;
      const listed = known.some((checkpoint) => checkpoint.step === step);
      throw new UserError(
        listed
          ? `checkpoint step ${step} of ${runId} is no longer on its host (train.save_total_limit removed it)`
          : `run ${runId} has no checkpoint at step ${step}`,
        {
          code: "eval.unknown_checkpoint",
          hint: `checkpoints on its host: ${usable.map((c) => c.step).join(", ") || "none"}; 0 is the base model`,
          data: { run: runId, step, steps: usable.map((c) => c.step) },
        },
      );
    }
    return selection.steps;
  }
  if (usable.length === 0) {
    throw new UserError(`run ${runId} has no checkpoints on its host to evaluate`, {
      code: "eval.no_checkpoints",
      hint: "checkpoints are written every train.save_steps and at the end; `tunectl checkpoints RUN` lists them",
      data: { run: runId },
    });
  }
  if (selection.kind === "all") return usable.map((checkpoint) => checkpoint.step);
  return [chooseCheckpoint(runId, usable, undefined).step];
}
