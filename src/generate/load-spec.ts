import { readFile } from "node:fs/promises";
import path from "node:path";
import {
  displayPath,
  readSpecText,
  parseYamlSource,
  problemsFromIssues,
  toPlain,
  type ConfigNode,
} from "../config/index.js";
import { UserError, type Problem } from "../errors/index.js";
import { answerSpecSchema, evolSpecSchema } from "./answer-evol-spec-schema.js";
import {
  alpacaSpecSchema,
  modeSchema,
  selfInstructSpecSchema,
  type GenerateMode,
  type GenerateSpec,
} from "./spec-schema.js";

const schemas = {
  alpaca: alpacaSpecSchema,
  "self-instruct": selfInstructSpecSchema,
  answer: answerSpecSchema,
  evol: evolSpecSchema,
} satisfies Record<GenerateMode, unknown>;

export interface LoadedSpec {
  spec: GenerateSpec;
  /** Absolute paths, resolved against the spec's directory. */
  specFile: string;
  /** The seeds, or in `answer` mode the instructions to answer. */
  seedsFile: string;
  outputFile: string;
  /** The text of recipe.prompt_file, when given. */
  promptText?: string;
  /** How the spec file is named in messages. */
  shown: string;
  /** Where `seeds:` (`instructions:`) is written, for problems with that file itself. */
  seedsAt: { file: string; line?: number; col?: number };
  /** For a spec inline in an experiment: its config path (`data.train.0.generate`). */
  prefix?: string;
}

/**
 * A checked spec whose output may be left to the caller: an experiment's `generate:` source
 * without `output` writes to the workspace cache.
 */
export type CheckedSpec = Omit<LoadedSpec, "outputFile"> & { outputFile?: string };

/** Read and check a generate spec; every problem at once, as FILE:LINE:COL, in one UserError. */
export async function loadGenerateSpec(file: string, cwd: string): Promise<LoadedSpec> {
  const checked = await readGenerateSpec(file, cwd);
  if (checked.outputFile === undefined)
    throw invalidSpec(checked.shown, [
      {
        position: { file: checked.shown, line: 1, col: 1 },
        path: "output",
        message: "missing required field",
        expected: "a string",
        hint: "data generate writes where output says (an experiment's generate: source may leave it out)",
      },
    ]);
  return { ...checked, outputFile: checked.outputFile };
}

/** A spec file, checked; `output` may be absent. */
export async function readGenerateSpec(file: string, cwd: string): Promise<CheckedSpec> {
  const specFile = path.resolve(cwd, file);
  const shown = displayPath(specFile, cwd);
  const text = await readSpecText(specFile, shown, {
    code: "generate.spec_unreadable",
    hint: "give the path of a generate spec (docs/generate.md)",
  });
  const parsed = parseYamlSource(text, { file: shown, dir: path.dirname(specFile) });
  if (!parsed.node || parsed.problems.length) throw invalidSpec(shown, parsed.problems);
  return checkSpecNode(parsed.node, { specFile, shown, cwd });
}

/**
 * The checks of one spec, from its YAML tree: a spec file's, or an inline one written in an
 * experiment (problems then point into the experiment file, their paths under `prefix`).
 */
export async function checkSpecNode(
  root: ConfigNode,
  where: { specFile: string; shown: string; cwd: string; prefix?: string },
): Promise<CheckedSpec> {
  const { specFile, shown, cwd } = where;
  const dir = path.dirname(specFile);
  const fail = (problems: Problem[]) => invalidSpec(shown, prefixed(problems, where.prefix));
  const plain = toPlain(root);
  const mode = modeSchema.safeParse(plain);
  if (!mode.success) throw fail(problemsFromIssues(mode.error.issues, root, modeSchema));
  const schema = schemas[mode.data.mode];
  const result = schema.safeParse(plain);
  if (!result.success) throw fail(problemsFromIssues(result.error.issues, root, schema));
  const spec: GenerateSpec = result.data;
  const seedsKey = spec.mode === "answer" ? "instructions" : "seeds";
  const loaded: CheckedSpec = {
    spec,
    specFile,
    shown,
    seedsFile: path.resolve(dir, spec.mode === "answer" ? spec.instructions : spec.seeds),
    ...(spec.output === undefined ? {} : { outputFile: path.resolve(dir, spec.output) }),
    seedsAt: positionOf(root, [seedsKey], root.at.file),
    ...(where.prefix ? { prefix: where.prefix } : {}),
  };
  if (spec.mode === "alpaca" && spec.recipe.prompt_file) {
    const promptFile = path.resolve(dir, spec.recipe.prompt_file);
    try {
      loaded.promptText = await readFile(promptFile, "utf8");
    } catch (error) {
      throw fail([
        {
          position: positionOf(root, ["recipe", "prompt_file"], root.at.file),
          path: "recipe.prompt_file",
          message: `${displayPath(promptFile, cwd)}: cannot read (${(error as NodeJS.ErrnoException).code})`,
        },
      ]);
    }
  }
  return loaded;
}

function prefixed(problems: Problem[], prefix: string | undefined): Problem[] {
  if (!prefix) return problems;
  return problems.map((p) => ({ ...p, path: p.path ? `${prefix}.${p.path}` : prefix }));
}

export function invalidSpec(shown: string, problems: Problem[]): UserError {
  const count = `${problems.length} problem${problems.length === 1 ? "" : "s"}`;
  return new UserError(`${shown} is not a valid generate spec (${count})`, {
    code: "generate.invalid_spec",
    problems: clean(problems),
    hint: "docs/generate.md describes every field",
  });
}

/** Where a spec value is, for problems found after the schema (seeds, prompt files). */
export function positionOf(root: ConfigNode | undefined, keys: string[], file: string) {
  let node = root;
  for (const key of keys) {
    if (node?.kind !== "map") break;
    node = node.entries.get(key)?.node;
  }
  return node?.at.line !== undefined ? { file, line: node.at.line, col: node.at.col } : { file };
}

function clean(problems: Problem[]): Problem[] {
  return problems.map((problem) => {
    if (!problem.position) return problem;
    const { file, line, col } = problem.position;
    return { ...problem, position: line === undefined ? { file } : { file, line, col } };
  });
}
