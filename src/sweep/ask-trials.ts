import type { Problem } from "../errors/index.js";
import { invalidSweepSpec, type LoadedSweep, type SweepLoadOptions } from "./load-sweep.js";
import type { OptunaBridge } from "./optuna-bridge.js";
import { resolveAssignments, type Trial } from "./resolve-trial.js";
import { assignmentsFor, searchSpace } from "./search-space.js";
import { specPosition } from "./spec-position.js";

/** One set of params Optuna asked for: its trial number and the runs it makes (one per seed). */
export interface AskedConfig {
  optunaTrial: number;
  params: Record<string, unknown>;
  trials: Trial[];
}

/**
 * Ask the sampler for the next configuration (random, tpe) and resolve its trial configs the
 * way the grid's are. A config the experiment schema refuses is told to Optuna as failed.
 */
export async function askTrial(
  sweep: LoadedSweep,
  bridge: OptunaBridge,
  options: SweepLoadOptions,
): Promise<AskedConfig> {
  const asked = await bridge.ask(searchSpace(sweep.spec));
  const assignments = assignmentsFor(sweep.spec, asked.params);
  const resolved = await resolveAssignments(sweep.experimentFile, assignments, options, (keys) =>
    specPosition(sweep.root, keys, sweep.shown),
  );
  if (resolved.problems.length > 0) {
    await bridge.tell(asked.trial, { state: "failed" });
    const problems: Problem[] = resolved.problems;
    throw invalidSweepSpec(sweep.shown, problems);
  }
  return { optunaTrial: asked.trial, params: asked.params, trials: resolved.trials };
}
