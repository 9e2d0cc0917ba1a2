import { validateExperiment, type Experiment, type LoadOptions } from "../config/index.js";
import type { Problem, SourcePosition } from "../errors/index.js";
import { paramsOf, type Assignment, type Setting } from "./assignments.js";
import { contentHash } from "./canonical-json.js";

export interface Trial {
  /** Hash of the resolved config (canonical JSON): the same trial has the same id after a restart. */
  id: string;
  /** The spec's settings for this trial, `path -> value`. */
  params: Record<string, unknown>;
  experiment: Experiment;
  /** The resolved experiment as YAML (the run's config.yaml). */
  yaml: string;
}

export const trialIdLength = 12;

export function trialId(experiment: Experiment): string {
  return contentHash(experiment, trialIdLength);
}

/**
 * Each assignment applied to the experiment as `--set path=value` through validateExperiment,
 * the code path of `tunectl validate`, so a path the schema lacks or a value of the wrong type
 * is refused the same way. Problems about a setting point at where the spec wrote it.
 */
export async function resolveAssignments(
  experimentFile: string,
  assignments: readonly Assignment[],
  options: Omit<LoadOptions, "sets">,
  positionOf: (keys: ReadonlyArray<string | number>) => SourcePosition,
): Promise<{ trials: Trial[]; problems: Problem[] }> {
  const trials: Trial[] = [];
  const problems = new Map<string, Problem>();
  const seen = new Map<string, Assignment>();
  for (const assignment of assignments) {
    const result = await validateExperiment(experimentFile, {
      ...options,
      sets: assignment.map(setFlag),
    });
    for (const problem of result.problems) {
      const placed = placeProblem(problem, assignment, positionOf);
      problems.set(JSON.stringify(placed), placed);
    }
    if (!result.loaded) continue;
    const id = trialId(result.loaded.experiment);
    const earlier = seen.get(id);
    if (earlier) {
      const first = assignment[0];
      const problem: Problem = {
        position: first ? positionOf(first.from) : undefined,
        path: first?.path,
        message: `gives the same config as ${describeAssignment(earlier)}; a trial would run twice`,
      };
      problems.set(JSON.stringify(problem), problem);
      continue;
    }
    seen.set(id, assignment);
    trials.push({
      id,
      params: paramsOf(assignment),
      experiment: result.loaded.experiment,
      yaml: result.loaded.yaml,
    });
  }
  return { trials, problems: [...problems.values()] };
}

/** Text stays text (as --set keeps it where the schema wants text); anything else as JSON. */
function setFlag(setting: Pick<Setting, "path" | "value">): string {
  const text = typeof setting.value === "string" ? setting.value : JSON.stringify(setting.value);
  return `${setting.path}=${text}`;
}

/** A trial's params as the `--set` flags that make its config out of the experiment. */
export function trialSets(params: Record<string, unknown>): string[] {
  return Object.entries(params).map(([path, value]) => setFlag({ path, value }));
}

function placeProblem(
  problem: Problem,
  assignment: Assignment,
  positionOf: (keys: ReadonlyArray<string | number>) => SourcePosition,
): Problem {
  const setting = assignment.find(
    (s) =>
      problem.position?.file === `--set ${setFlag(s)}` ||
      problem.path === s.path ||
      problem.path?.startsWith(`${s.path}.`),
  );
  if (!setting) return problem;
  return {
    ...problem,
    position: positionOf(setting.from),
    path: problem.path ?? setting.path,
    message: `${problem.message} (value ${JSON.stringify(setting.value)})`,
  };
}

function describeAssignment(assignment: Assignment): string {
  return (
    assignment.map((s) => `${s.path}=${JSON.stringify(s.value)}`).join(", ") || "the experiment"
  );
}
