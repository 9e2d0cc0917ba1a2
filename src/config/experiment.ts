import path from "node:path";
import { stringify } from "yaml";
import { UserError, type Problem } from "../errors/index.js";
import { experimentSchema, type Experiment } from "./schema/index.js";
import { toPlain, type ConfigNode } from "./source/config-node.js";
import { resolveDataPaths } from "./source/data-paths.js";
import { displayPath } from "./source/display-path.js";
import { readEvalPrompts } from "./source/eval-prompts-file.js";
import { loadChain, type ChainContext } from "./source/extends-chain.js";
import type { Env } from "./source/interpolate.js";
import { mergeNodes } from "./source/merge.js";
import { applySets } from "./source/set-overrides.js";
import { problemsFromIssues } from "./source/zod-problems.js";
import type { Workspace } from "./workspace.js";

export interface LoadOptions {
  sets?: readonly string[];
  env: Env;
  workspace?: Workspace;
  /** Base for relative paths and for the paths shown in messages (default: process.cwd()). */
  cwd?: string;
}

export interface LoadedExperiment {
  experiment: Experiment;
  /** Absolute path of the experiment file. */
  file: string;
  /** Every YAML file read: the experiment file, then what it extends, in reading order. */
  files: string[];
  /** The fully resolved experiment as YAML (for the registry's config.yaml). */
  yaml: string;
  /** The merged tree the experiment was parsed from: where each value was written. */
  node: ConfigNode;
}

export interface ValidationResult {
  /** Present when there are no problems. */
  loaded?: LoadedExperiment;
  problems: Problem[];
}

/**
 * Read, merge and check an experiment: workspace defaults, then the `extends` chain, then the
 * file, then `--set`, then env interpolation and the schema. Every problem is collected.
 */
export async function validateExperiment(
  file: string,
  options: LoadOptions,
): Promise<ValidationResult> {
  const cwd = options.cwd ?? process.cwd();
  const absolute = path.resolve(cwd, file);
  const ctx: ChainContext = {
    cwd,
    env: options.env,
    schema: experimentSchema,
    files: [],
    problems: [],
    fatal: false,
  };
  const chain = await loadChain(absolute, ctx);
  if (!chain || ctx.fatal) return { problems: clean(ctx.problems) };

  let tree: ConfigNode = chain;
  const defaults = options.workspace?.defaultsNode;
  if (defaults) tree = mergeNodes(defaults, tree);
  const set = applySets(tree, options.sets ?? [], experimentSchema, { cwd, env: options.env });
  tree = resolveDataPaths(set.node);
  const problems = [...ctx.problems, ...set.problems];

  const parsed = experimentSchema.safeParse(toPlain(tree));
  if (!parsed.success) {
    const reported = new Set(problems.map((p) => p.path).filter(Boolean));
    const fromSchema = problemsFromIssues(parsed.error.issues, tree, experimentSchema);
    problems.push(...byPosition(fromSchema.filter((p) => !p.path || !reported.has(p.path))));
  }
  if (problems.length > 0 || !parsed.success) return { problems: clean(problems) };
  const prompts = await readEvalPrompts(parsed.data.eval.prompts, tree, cwd);
  if (prompts.problems.length > 0) return { problems: clean(prompts.problems) };
  const experiment =
    prompts.prompts === undefined
      ? parsed.data
      : { ...parsed.data, eval: { ...parsed.data.eval, prompts: prompts.prompts } };
  return {
    problems: [],
    loaded: {
      experiment,
      file: absolute,
      files: ctx.files,
      yaml: stringify(experiment),
      node: tree,
    },
  };
}

/** Like validateExperiment, but throws one UserError (config.invalid) listing every problem. */
export async function loadExperiment(
  file: string,
  options: LoadOptions,
): Promise<LoadedExperiment> {
  const result = await validateExperiment(file, options);
  if (result.loaded) return result.loaded;
  throw invalidConfig(
    displayPath(path.resolve(options.cwd ?? process.cwd(), file), options.cwd ?? process.cwd()),
    result.problems,
  );
}

export function invalidConfig(shown: string, problems: Problem[]): UserError {
  const count = `${problems.length} problem${problems.length === 1 ? "" : "s"}`;
  return new UserError(`${shown} is not a valid configuration (${count})`, {
    code: "config.invalid",
    problems,
    hint: "tunectl validate FILE shows the same list; docs/config.md describes every field",
  });
}

/** Positions carry an internal `dir`; problems show only file, line and column. */
function clean(problems: Problem[]): Problem[] {
  return problems.map((problem) => {
    const out: Problem = { message: problem.message };
    if (problem.position) {
      const { file, line, col } = problem.position;
      out.position = line === undefined ? { file } : { file, line, col };
    }
    if (problem.path) out.path = problem.path;
    if (problem.expected) out.expected = problem.expected;
    if (problem.hint) out.hint = problem.hint;
    return out;
  });
}

/** Schema problems in reading order: by file, line and column; --set problems last. */
function byPosition(problems: Problem[]): Problem[] {
  const key = (p: Problem) => p.position?.line ?? Number.MAX_SAFE_INTEGER;
  return [...problems].sort(
    (a, b) =>
      (a.position?.file ?? "").localeCompare(b.position?.file ?? "") ||
      key(a) - key(b) ||
      (a.position?.col ?? 0) - (b.position?.col ?? 0),
  );
}
