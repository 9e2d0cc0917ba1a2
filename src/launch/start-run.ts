import path from "node:path";
import {
  displayPath,
  invalidConfig,
  loadExperiment,
  type Experiment,
  type RenderableExperiment,
} from "../config/index.js";
import {
  checkRenderedTokens,
  loadModelTokenizer,
  prepareDataset,
  type SplitTokens,
} from "../data/index.js";
import {
  estimatePending,
  generateSources,
  planGeneratedSources,
  withOutputs,
} from "../generate/index.js";
import { AttemptSupersededError, type LifecycleEvent, type RunRecord } from "../runs/index.js";
import { launchAttempt, type StagedDataset } from "./launch-attempt.js";
import { stageForWorkspace } from "./staged-marker.js";
import type { LaunchDeps } from "./launch-deps.js";
import { candidateHosts, connectCandidates, placeRun, refuseMissingGpus } from "./placement.js";
import { checkEnvValues, readSecrets } from "./trainer-env.js";
import { runCreated, stageKnown } from "./events.js";
import { dryRunBatchScript } from "./slurm-dry-run.js";

export interface RunRequest {
  file: string;
  sets: string[];
  host?: string;
  name?: string;
  dryRun?: boolean;
  /** Labels of the new run (a sweep's trials carry `sweep` and `trial`). */
  labels?: Record<string, string>;
}

/** What `run --dry-run` prints: where and how the run would start. Nothing is created or leased. */
export interface RunPlan {
  name: string;
  host: string;
  runtime: string;
  gpus: number[];
  image: string;
  model: string;
  /** Absent while a generate: source is still to be generated (a dry run renders no data). */
  dataset?: { fingerprint: string; train_records: number; eval_records: number };
  /** The generate: sources run would generate first, with what they would send. */
  generate?: Array<{
    source: string;
    spec: string;
    requests: number;
    input_tokens: number;
    max_output_tokens: number;
    max_cost_usd: number;
    journaled: number;
  }>;
  /** The rendered splits in the model's tokens; absent when its tokenizer is not readable here. */
  tokens?: SplitTokens;
  command: string[];
  /** A Slurm host: the batch script `run` would submit (a dry run submits nothing). */
  batch_script?: string;
}

export type StartResult = { kind: "plan"; plan: RunPlan } | { kind: "started"; run: RunRecord };

/**
 * `tunectl run`: validate the experiment and its data (nothing created on a mistake), then
 * register the run, stage the data, place it and start the trainer.
 */
export async function startRun(request: RunRequest, deps: LaunchDeps): Promise<StartResult> {
  const loaded = await loadExperiment(request.file, {
    sets: [...request.sets, ...(request.name ? [`name=${request.name}`] : [])],
    env: deps.env,
    workspace: deps.workspace,
  });
  const experiment: Experiment = loaded.experiment;
  checkEnvValues(experiment.env, "env");
  const secrets = readSecrets(experiment, deps.env);
  const candidates = candidateHosts(
    deps.hosts,
    experiment.resources.hosts,
    request.host,
    experiment.resources.nodes,
  );

  // generate: sources are checked like `data generate` checks a spec, then generated (unless
  // their output is in the cache) before anything else: nothing is created for a bad spec, an
  // endpoint that fails or a budget that yields no record.
  const cwd = process.cwd();
  const generation = await planGeneratedSources(loaded, { stateDir: deps.workspace.stateDir, cwd });
  if (generation.problems.length)
    throw invalidConfig(displayPath(loaded.file, cwd), generation.problems);
  if (request.dryRun && generation.plans.some((plan) => !plan.cached))
    return dryRunBeforeGeneration(deps, experiment, candidates, generation.plans);
  const renderable: RenderableExperiment = request.dryRun
    ? withOutputs(experiment, generation.plans)
    : (
        await generateSources(experiment, generation.plans, {
          reporter: deps.reporter,
          clock: deps.clock,
          env: deps.env,
          signal: deps.signal ?? new AbortController().signal,
        })
      ).experiment;

  // Reach the hosts while the data renders: when none answers (down, refused host key, wrong
  // key), the run is refused before it is created, so no failed run clutters the registry.
  const loadingTokenizer = loadModelTokenizer(experiment.model, {
    env: deps.env,
    cwd: process.cwd(),
  });
  const [prepared, , tokenizer] = await Promise.all([
    prepareDataset(renderable, {
      cacheDir: path.join(deps.workspace.stateDir, "cache", "datasets"),
      reporter: deps.reporter,
      storage: deps.workspace.config.storage,
      tokenizer: loadingTokenizer,
    }),
    connectCandidates(deps.hosts, candidates).then(() =>
      refuseMissingGpus(deps.hosts, candidates, experiment.resources.gpus),
    ),
    loadingTokenizer,
  ]);
  // Counted on the files the trainer will read; too many records cut is refused here, before
  // the run exists and anything is staged.
  const tokens = await checkRenderedTokens(
    prepared.dir,
    tokenizer,
    renderable,
    deps.reporter,
    request.file,
  );

  if (request.dryRun) {
    const placed = await placeRun(
      deps.hosts,
      { runId: "dry-run", gpus: experiment.resources.gpus, candidates, dryRun: true },
      deps.reporter,
    );
    return {
      kind: "plan",
      plan: {
        name: experiment.name,
        host: placed.name,
        runtime: placed.runtime,
        gpus: placed.gpus,
        image: experiment.resources.image,
        model: experiment.model.base,
        dataset: {
          fingerprint: prepared.fingerprint,
          train_records: prepared.records.train,
          eval_records: prepared.records.eval,
        },
        ...(tokens ? { tokens } : {}),
        command: trainerCommand(placed, experiment),
        ...(placed.runtime === "slurm"
          ? {
              batch_script: await dryRunBatchScript(placed, experiment, prepared.fingerprint),
            }
          : {}),
      },
    };
  }

  const created = await deps.registry.create({
    name: experiment.name,
    ...(experiment.description === undefined ? {} : { description: experiment.description }),
    experiment_file: request.file,
    configYaml: loaded.yaml,
    model: experiment.model.base,
    image: experiment.resources.image,
    gpus_requested: experiment.resources.gpus,
    ...(request.labels ? { labels: request.labels } : {}),
  });
  runCreated.emit(deps.reporter, `run ${created.id}`, { run: created.id });

  let staged: StagedDataset;
  const apply = (event: LifecycleEvent, message?: string) =>
    deps.registry.apply(created.id, event, message);
  try {
    await apply({ type: "staging_started", attempt: 1, launcher: deps.launcher });
    // Stage for real (upload what the bucket lacks, remember what is there) unless this
    // workspace staged the same data before.
    const { marker, known } = await stageForWorkspace(deps, prepared, { trustMarker: true });
    if (known)
      stageKnown.emit(
        deps.reporter,
        `dataset ${prepared.fingerprint.slice(0, 12)} staged before at ${marker.uri}`,
        { fingerprint: prepared.fingerprint, uri: marker.uri },
      );
    staged = {
      fingerprint: prepared.fingerprint,
      prefix: marker.prefix,
      files: marker.files,
      ...(known
        ? {
            recheck: async () =>
              (await stageForWorkspace(deps, prepared, { trustMarker: false })).marker.files,
          }
        : {}),
    };
    await apply({
      type: "dataset_staged",
      attempt: 1,
      dataset: {
        fingerprint: prepared.fingerprint,
        uri: marker.uri,
        train_records: prepared.records.train,
        eval_records: prepared.records.eval,
      },
    });
  } catch (error) {
    // Cancelled while staging: the cancel already ended it.
    if (error instanceof AttemptSupersededError) {
      return { kind: "started", run: await deps.registry.get(created.id) };
    }
    const message = (error as Error).message;
    await apply(
      { type: "launch_failed", attempt: 1, error: { code: "stage.failed", message } },
      `failed to stage the dataset: ${message}`,
    ).catch((refused: unknown) => {
      if (!(refused instanceof AttemptSupersededError)) throw refused;
    });
    throw error;
  }
  const run = await deps.registry.get(created.id);
  const started = await launchAttempt(deps, {
    run,
    experiment,
    dataset: staged,
    secrets,
    ...(request.host ? { hostOverride: request.host } : {}),
  });
  return { kind: "started", run: started };
}

type Placed = Awaited<ReturnType<typeof placeRun>>;

function trainerCommand(placed: Placed, experiment: Experiment): string[] {
  return placed.runtime === "process" || placed.runtime === "slurm"
    ? [placed.config.python, "-m", "trainer"]
    : [placed.runtime, "run", "--detach", experiment.resources.image];
}

/**
 * `run --dry-run` while a generate: source is not in the cache: the hosts and placement as
 * always, and what generation would send; no data is rendered (it does not exist yet).
 */
async function dryRunBeforeGeneration(
  deps: LaunchDeps,
  experiment: Experiment,
  candidates: ReturnType<typeof candidateHosts>,
  plans: Parameters<typeof estimatePending>[0],
): Promise<StartResult> {
  await connectCandidates(deps.hosts, candidates);
  await refuseMissingGpus(deps.hosts, candidates, experiment.resources.gpus);
  const placed = await placeRun(
    deps.hosts,
    { runId: "dry-run", gpus: experiment.resources.gpus, candidates, dryRun: true },
    deps.reporter,
  );
  const pending = await estimatePending(plans);
  return {
    kind: "plan",
    plan: {
      name: experiment.name,
      host: placed.name,
      runtime: placed.runtime,
      gpus: placed.gpus,
      image: experiment.resources.image,
      model: experiment.model.base,
      generate: pending.map(({ at, spec, estimate }) => ({
        source: at,
        spec,
        requests: estimate.requests,
        input_tokens: estimate.input_tokens,
        max_output_tokens: estimate.max_output_tokens,
        max_cost_usd: estimate.max_cost_usd,
        journaled: estimate.journaled,
      })),
      command: trainerCommand(placed, experiment),
    },
  };
}
