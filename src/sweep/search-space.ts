import { seedPath, type Assignment, type Setting } from "./assignments.js";
import type { SweepSpec } from "./spec-schema.js";

/** One distribution of an Optuna search space, as scripts/sweep/optuna_bridge.py reads it. */
export type Distribution =
  | { type: "float"; low: number; high: number; log: boolean }
  | { type: "int"; low: number; high: number; log: boolean }
  | { type: "categorical"; choices: number[] };

export type SearchSpace = Record<string, Distribution>;

/** The name the paired groups go by in the space: one categorical over the groups. */
export const pairedKey = "paired";

/**
 * The spec's search space for Optuna. A list of values is a categorical over their indices
 * (values may be lists or maps, which Optuna's choices cannot hold); seeds are not searched.
 */
export function searchSpace(spec: SweepSpec): SearchSpace {
  const space: SearchSpace = {};
  for (const [path, param] of Object.entries(spec.parameters)) {
    if (param.values) space[path] = { type: "categorical", choices: indices(param.values.length) };
    else if (param.min !== undefined && param.max !== undefined)
      space[path] = param.int
        ? { type: "int", low: Math.ceil(param.min), high: Math.floor(param.max), log: param.log }
        : { type: "float", low: param.min, high: param.max, log: param.log };
  }
  if (spec.paired) space[pairedKey] = { type: "categorical", choices: indices(spec.paired.length) };
  return space;
}

/**
 * The trial configs for one set of sampled params: one per seed (or one without seeds). The
 * sampler is told the mean of their metrics.
 */
export function assignmentsFor(spec: SweepSpec, params: Record<string, unknown>): Assignment[] {
  const settings: Setting[] = [];
  for (const [path, param] of Object.entries(spec.parameters)) {
    const sampled = params[path];
    if (param.values) {
      const i = Number(sampled);
      settings.push({ path, value: param.values[i], from: ["parameters", path, "values", i] });
    } else {
      settings.push({ path, value: sampled, from: ["parameters", path] });
    }
  }
  if (spec.paired) {
    const i = Number(params[pairedKey]);
    for (const [path, value] of Object.entries(spec.paired[i] ?? {}))
      settings.push({ path, value, from: ["paired", i, path] });
  }
  if (!spec.seeds) return [settings];
  return spec.seeds.map((seed, i) => [
    ...settings,
    { path: seedPath, value: seed, from: ["seeds", i] },
  ]);
}

const indices = (n: number) => Array.from({ length: n }, (_, i) => i);
