import path from "node:path";
import {
  displayPath,
  readSpecText,
  parseYamlSource,
  problemsFromIssues,
  toPlain,
  validateExperiment,
  type ConfigNode,
  type Experiment,
  type LoadOptions,
} from "../config/index.js";
import { UserError, type Problem } from "../errors/index.js";
import { gridAssignments, probeAssignments } from "./assignments.js";
import { contentHash } from "./canonical-json.js";
import { resolveAssignments, type Trial } from "./resolve-trial.js";
import { sweepSpecSchema, type SweepSpec } from "./spec-schema.js";
import { specPosition } from "./spec-position.js";
import { specRuleProblems } from "./spec-rules.js";

export interface LoadedSweep {
  spec: SweepSpec;
  /** `<name>-<8 hex>`: the same spec over the same experiment always gets the same id. */
  id: string;
  name: string;
  specFile: string;
  experimentFile: string;
  /** How the spec file is named in messages. */
  shown: string;
  /** The grid's trials in order (method grid); empty for random and tpe, whose trials are asked. */
  trials: Trial[];
  /** The experiment as resolved without any of the sweep's settings. */
  experiment: Experiment;
  /** The spec's YAML tree, to place problems found later (while running) at file:line:col. */
  root: ConfigNode;
}

export type SweepLoadOptions = Omit<LoadOptions, "sets"> & { cwd: string };

/**
 * Read and check a sweep spec: its own schema and rules, then every trial's config (every value
 * a sampler may pick, for random and tpe) resolved the way `tunectl validate` resolves a file
 * with `--set`. Every problem at once, as FILE:LINE:COL, in one UserError (exit 2).
 */
export async function loadSweepSpec(file: string, options: SweepLoadOptions): Promise<LoadedSweep> {
  const specFile = path.resolve(options.cwd, file);
  const shown = displayPath(specFile, options.cwd);
  const text = await readSpecText(specFile, shown, {
    code: "sweep.spec_unreadable",
    hint: "give the path of a sweep spec (docs/sweeps.md)",
  });
  const parsed = parseYamlSource(text, { file: shown, dir: path.dirname(specFile) });
  if (!parsed.node || parsed.problems.length) throw invalidSweepSpec(shown, parsed.problems);
  const root = parsed.node;
  const result = sweepSpecSchema.safeParse(toPlain(root));
  if (!result.success) {
    throw invalidSweepSpec(shown, problemsFromIssues(result.error.issues, root, sweepSpecSchema));
  }
  const spec = result.data;
  const rules = specRuleProblems(spec, root, shown);
  if (rules.length > 0) throw invalidSweepSpec(shown, rules);

  const experimentFile = path.resolve(path.dirname(specFile), spec.experiment);
  const base = await validateExperiment(experimentFile, { ...options, sets: [] });
  if (!base.loaded) {
    throw invalidSweepSpec(shown, [
      {
        position: specPosition(root, ["experiment"], shown),
        path: "experiment",
        message: `${displayPath(experimentFile, options.cwd)} is not a valid experiment (tunectl validate shows why)`,
      },
      ...base.problems,
    ]);
  }
  const assignments = spec.method === "grid" ? gridAssignments(spec) : probeAssignments(spec);
  const resolved = await resolveAssignments(experimentFile, assignments, options, (keys) =>
    specPosition(root, keys, shown),
  );
  if (resolved.problems.length > 0) throw invalidSweepSpec(shown, resolved.problems);

  const name = spec.name ?? path.basename(specFile).replace(/\.ya?ml$/i, "");
  const { budget: _budget, name: _name, experiment: _experiment, ...search } = spec;
  const id = `${name}-${contentHash({ search, experiment: base.loaded.experiment }, 8)}`;
  return {
    spec,
    id,
    name,
    specFile,
    experimentFile,
    shown,
    experiment: base.loaded.experiment,
    trials: spec.method === "grid" ? resolved.trials : [],
    root,
  };
}

export function invalidSweepSpec(shown: string, problems: Problem[]): UserError {
  const count = `${problems.length} problem${problems.length === 1 ? "" : "s"}`;
  return new UserError(`${shown} is not a valid sweep spec (${count})`, {
    code: "sweep.invalid_spec",
    problems: problems.map(clean),
    hint: "docs/sweeps.md describes every key",
  });
}

/** Positions carry an internal `dir`; problems show only file, line and column. */
function clean(problem: Problem): Problem {
  if (!problem.position) return problem;
  const { file, line, col } = problem.position;
  return { ...problem, position: line === undefined ? { file } : { file, line, col } };
}
