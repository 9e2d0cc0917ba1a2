import type { SweepSpec } from "./spec-schema.js";

/** One config path set to one value, with where in the spec the value was written. */
export interface Setting {
  path: string;
  value: unknown;
  /** Keys from the spec's root to the value, for positions in problems. */
  from: ReadonlyArray<string | number>;
}

/** The settings that make one trial's config out of the experiment. */
export type Assignment = Setting[];

/** Grids past this many trials are refused: a typo in a list should not plan a million runs. */
export const maxGridTrials = 10_000;

/**
 * Every combination of the grid's axes, first axis outermost: each parameter's values in spec
 * order, then the paired groups (one axis whose values move together), then the seeds.
 */
export function gridAssignments(spec: SweepSpec): Assignment[] {
  return axesOf(spec).reduce<Assignment[]>(
    (combos, axis) => combos.flatMap((combo) => axis.map((choice) => [...combo, ...choice])),
    [[]],
  );
}

/** How many trials the grid has, without building it. */
export function gridSize(spec: SweepSpec): number {
  return axesOf(spec).reduce((product, axis) => product * axis.length, 1);
}

/**
 * For random and tpe: each value a sampler may pick, each on its own (both ends of a range),
 * so a bad path or a value of the wrong type fails before anything is asked of the sampler.
 */
export function probeAssignments(spec: SweepSpec): Assignment[] {
  const probes: Assignment[] = [];
  for (const [path, param] of Object.entries(spec.parameters)) {
    if (param.values) {
      param.values.forEach((value, i) =>
        probes.push([{ path, value, from: ["parameters", path, "values", i] }]),
      );
    } else if (param.min !== undefined && param.max !== undefined) {
      const low = param.int ? Math.ceil(param.min) : param.min;
      const high = param.int ? Math.floor(param.max) : param.max;
      probes.push([{ path, value: low, from: ["parameters", path, "min"] }]);
      probes.push([{ path, value: high, from: ["parameters", path, "max"] }]);
    }
  }
  const rest = axesOf({ ...spec, parameters: {} });
  for (const axis of rest) probes.push(...axis);
  return probes;
}

function axesOf(spec: SweepSpec): Assignment[][] {
  const axes: Assignment[][] = [];
  for (const [path, param] of Object.entries(spec.parameters)) {
    axes.push(
      (param.values ?? []).map((value, i) => [
        { path, value, from: ["parameters", path, "values", i] },
      ]),
    );
  }
  if (spec.paired) {
    axes.push(
      spec.paired.map((group, i) =>
        Object.entries(group).map(([path, value]) => ({ path, value, from: ["paired", i, path] })),
      ),
    );
  }
  if (spec.seeds) {
    axes.push(spec.seeds.map((seed, i) => [{ path: seedPath, value: seed, from: ["seeds", i] }]));
  }
  return axes;
}

export const seedPath = "train.seed";

/** The settings as a plain `path -> value` map, in spec order. */
export function paramsOf(assignment: Assignment): Record<string, unknown> {
  return Object.fromEntries(assignment.map((setting) => [setting.path, setting.value]));
}
