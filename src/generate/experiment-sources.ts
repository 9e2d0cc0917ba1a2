import path from "node:path";
import {
  displayPath,
  isFileSource,
  locate,
  type DatasetSource,
  type Experiment,
  type GenerateSource,
  type LoadedExperiment,
  type RenderableExperiment,
} from "../config/index.js";
import { InfraError, isTunectlError, type Problem } from "../errors/index.js";
import { contentKeys, type ContentKeys } from "./content-key.js";
import { generatePartial, generateSourceCached } from "./events.js";
import { generateData, type GenerateDeps, type OutputManifest } from "./generate-data.js";
import { estimateGeneration, type GenerationEstimate } from "./generation-estimate.js";
import { checkSpecNode, readGenerateSpec, type CheckedSpec, type LoadedSpec } from "./load-spec.js";
import { publishOutput, publishedOutput } from "./published-output.js";
import { readSeedTasks, type SeedTask } from "./seed-tasks.js";

/** One `generate:` entry of data.train or data.eval, checked, with what the cache holds for it. */
export interface GeneratedSourcePlan {
  /** Its config path: `data.train.0`. */
  at: string;
  source: GenerateSource;
  spec: LoadedSpec;
  seeds: SeedTask[];
  keys: ContentKeys;
  /** `<cache>/<output key>.jsonl`: the output the data is rendered from. */
  published: string;
  /** The published output's manifest, when it is whole and complete: nothing to send. */
  cached?: OutputManifest;
}

const lists = ["train", "eval"] as const;

/**
 * Every `generate:` source checked as `data generate` checks a spec (schema, prompt file,
 * seeds), problems at FILE:LINE:COL (an inline spec's in the experiment file), and looked up in
 * the workspace cache `<stateDir>/cache/generated/`. Reads files only: sends and writes nothing.
 */
export async function planGeneratedSources(
  loaded: LoadedExperiment,
  where: { stateDir: string; cwd: string },
): Promise<{ plans: GeneratedSourcePlan[]; problems: Problem[] }> {
  const cacheDir = path.join(where.stateDir, "cache", "generated");
  const plans: GeneratedSourcePlan[] = [];
  const problems: Problem[] = [];
  for (const list of lists) {
    const sources = loaded.experiment.data[list] ?? [];
    for (const [index, source] of sources.entries()) {
      if (isFileSource(source)) continue;
      const at = `data.${list}.${index}`;
      try {
        const checked = await checkedSpec(loaded, source, at, where.cwd);
        const seeds = await readSeedTasks(checked, where.cwd);
        const keys = await contentKeys(checked);
        // Without `output`, the journal and working output live in the cache, by journal key,
        // so raising a budget or num_instructions continues the same journal.
        const outputFile =
          checked.outputFile ?? path.join(cacheDir, "work", keys.journal, "generated.jsonl");
        const published = path.join(cacheDir, `${keys.output}.jsonl`);
        const cached = await publishedOutput(published, keys.output);
        plans.push({
          at,
          source,
          spec: { ...checked, outputFile },
          seeds,
          keys,
          published,
          ...(cached ? { cached } : {}),
        });
      } catch (error) {
        if (!isTunectlError(error) || error.kind !== "user") throw error;
        problems.push(
          ...(error.problems.length ? error.problems : [{ path: at, message: error.message }]),
        );
      }
    }
  }
  return { plans, problems };
}

async function checkedSpec(
  loaded: LoadedExperiment,
  source: GenerateSource,
  at: string,
  cwd: string,
): Promise<CheckedSpec> {
  if (typeof source.generate === "string") return readGenerateSpec(source.generate, cwd);
  const node = locate(loaded.node, [...at.split("."), "generate"]).node;
  if (!node) throw new Error(`${at}.generate is in the experiment but not in its tree`);
  return checkSpecNode(node, {
    specFile: loaded.file,
    shown: displayPath(loaded.file, cwd),
    cwd,
    prefix: `${at}.generate`,
  });
}

/** What the sources still to generate would send; nothing is sent. */
export async function estimatePending(
  plans: GeneratedSourcePlan[],
): Promise<Array<{ at: string; spec: string; estimate: GenerationEstimate }>> {
  const pending = plans.filter((plan) => !plan.cached);
  return Promise.all(
    pending.map(async (plan) => ({
      at: plan.at,
      spec: plan.spec.shown,
      estimate: await estimateGeneration(plan.spec, plan.seeds),
    })),
  );
}

/** Generation's outcome for one source, for the command's summary. */
export interface GeneratedSource {
  at: string;
  records: number;
  /** Requests sent by this command (0 for a cache hit or a journal replay). */
  sent: number;
  cached: boolean;
  complete: boolean;
}

/**
 * Generates what the cache lacks (through generateData: its journal, lock, budget and
 * progress line), publishes each output under its output key, and returns the experiment with
 * every `generate:` source replaced by its output as an alpaca file source. A budget that
 * stopped generation before any record was kept fails (exit 3), before anything is rendered.
 */
export async function generateSources(
  experiment: Experiment,
  plans: GeneratedSourcePlan[],
  deps: GenerateDeps,
): Promise<{ experiment: RenderableExperiment; generated: GeneratedSource[] }> {
  const generated: GeneratedSource[] = [];
  const outputs = new Map<string, string>();
  for (const plan of plans) {
    if (plan.cached) {
      generateSourceCached.emit(
        deps.reporter,
        `${plan.at}: generated data up to date (${plan.cached.records} records, ${plan.keys.output.slice(0, 12)}): nothing sent`,
        { source: plan.at, key: plan.keys.output, records: plan.cached.records },
      );
      generated.push({
        at: plan.at,
        records: plan.cached.records,
        sent: 0,
        cached: true,
        complete: true,
      });
      continue;
    }
    const result = await generateData(plan.spec, plan.seeds, deps);
    const { manifest } = result;
    if (manifest.stopped && manifest.records === 0) {
      throw new InfraError(
        `${plan.at}: generation stopped at ${manifest.stopped} before any record was kept`,
        {
          code: "generate.no_records",
          hint: `raise the spec's budget (or max_requests) and run again: the ${manifest.requests} completed requests stay in the journal`,
        },
      );
    }
    if (manifest.stopped)
      generatePartial.emit(
        deps.reporter,
        `${plan.at}: generation stopped at ${manifest.stopped} with ${manifest.records} records; training on them (raise the budget to continue from the journal)`,
        { source: plan.at, stopped: manifest.stopped, records: manifest.records },
      );
    outputs.set(plan.at, await publishOutput(result.output, plan.published, manifest));
    generated.push({
      at: plan.at,
      records: manifest.records,
      sent: result.sent,
      cached: false,
      complete: manifest.complete,
    });
  }
  return { experiment: withOutputs(experiment, plans, { outputs }), generated };
}

/**
 * The experiment with each generate: source replaced by its published output (`outputs`, by
 * config path, where generation just published one) or the cached one; a source with neither
 * is left out (validate and dry runs render what the cache already holds).
 */
export function withOutputs(
  experiment: Experiment,
  plans: GeneratedSourcePlan[],
  options: { outputs?: Map<string, string> } = {},
): RenderableExperiment {
  const byAt = new Map(plans.map((plan) => [plan.at, plan]));
  const replace = (list: (typeof lists)[number]) =>
    (experiment.data[list] ?? []).flatMap((source, index): DatasetSource[] => {
      if (isFileSource(source)) return [source];
      const plan = byAt.get(`data.${list}.${index}`);
      // not planned: its spec has problems, reported on their own
      const file = !plan
        ? undefined
        : (options.outputs?.get(plan.at) ?? (plan.cached ? plan.published : undefined));
      if (file === undefined) return [];
      return [
        {
          path: file,
          format: "alpaca",
          type: "jsonl",
          ...(source.system === undefined ? {} : { system: source.system }),
          ...(source.max_records === undefined ? {} : { max_records: source.max_records }),
          ...(source.weight === undefined ? {} : { weight: source.weight }),
        },
      ];
    });
  const { eval: evalSources, ...data } = experiment.data;
  return {
    ...experiment,
    data: {
      ...data,
      train: replace("train"),
      ...(evalSources === undefined ? {} : { eval: replace("eval") }),
    },
  };
}
