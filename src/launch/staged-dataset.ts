import path from "node:path";
import { stringify } from "yaml";
import {
  invalidConfig,
  parseYamlSource,
  renderableOrUndefined,
  type Experiment,
  type RenderableExperiment,
} from "../config/index.js";
import { generateSources, planGeneratedSources } from "../generate/index.js";
import { loadModelTokenizer, prepareDataset } from "../data/index.js";
import { UserError, isTunectlError } from "../errors/index.js";
import { withManifest } from "./dataset-transfer.js";
import type { RunRecord } from "../runs/index.js";
import type { ObjectStore } from "../storage/index.js";
import type { StagedDataset } from "./launch-attempt.js";
import type { LaunchDeps } from "./launch-deps.js";
import { stageForWorkspace } from "./staged-marker.js";

/**
 * The run's dataset as staged at its first launch, from the bucket's manifest. When the
 * bucket lost it, the recorded experiment is rendered and staged again (the workspace's one
 * staging path, marker kept), and must come out with the same fingerprint.
 */
export async function stagedDatasetOf(
  deps: LaunchDeps,
  run: RunRecord,
  experiment: Experiment,
  store: ObjectStore,
): Promise<StagedDataset> {
  const fingerprint = run.dataset?.fingerprint;
  const prefix = `datasets/${fingerprint}/`;
  if (fingerprint) {
    // Only a missing manifest means "stage again"; a refusing or unreachable bucket is an error.
    const bytes = await store.getBuffer(`${prefix}manifest.json`).catch((error: unknown) => {
      if (isTunectlError(error) && error.code === "storage.not_found") return undefined;
      throw error;
    });
    if (bytes) {
      const manifest = JSON.parse(bytes.toString("utf8")) as { files: StagedDataset["files"] };
      return { fingerprint, prefix, files: withManifest(manifest.files, bytes) };
    }
  }
  const prepared = await prepareDataset(await renderableFor(deps, run, experiment), {
    cacheDir: path.join(deps.workspace.stateDir, "cache", "datasets"),
    reporter: deps.reporter,
    storage: deps.workspace.config.storage,
    // Lazily: only a text-label few_shot source needs it, to render the same records again.
    get tokenizer() {
      return loadModelTokenizer(experiment.model, { env: deps.env, cwd: process.cwd() });
    },
  });
  if (fingerprint && prepared.fingerprint !== fingerprint) {
    throw new UserError(
      `the data of run ${run.id} changed since it started (fingerprint ${prepared.fingerprint.slice(0, 12)}, was ${fingerprint.slice(0, 12)})`,
      {
        code: "resume.data_changed",
        hint: "restore the original data files, or start a new run",
      },
    );
  }
  const { marker } = await stageForWorkspace(deps, prepared, { trustMarker: false });
  return { fingerprint: prepared.fingerprint, prefix: marker.prefix, files: marker.files };
}

/**
 * The recorded experiment with its generate: sources as their outputs: from the workspace
 * cache, or generated again from the journal (which sends nothing for what it holds).
 */
async function renderableFor(
  deps: LaunchDeps,
  run: RunRecord,
  experiment: Experiment,
): Promise<RenderableExperiment> {
  const plain = renderableOrUndefined(experiment);
  if (plain) return plain;
  const shown = `run ${run.id} config.yaml`;
  const yaml = stringify(experiment);
  const node = parseYamlSource(yaml, { file: shown, dir: process.cwd() }).node;
  if (!node) throw new Error(`${shown} does not parse`);
  const loaded = { experiment, file: shown, files: [], yaml, node };
  const { plans, problems } = await planGeneratedSources(loaded, {
    stateDir: deps.workspace.stateDir,
    cwd: process.cwd(),
  });
  if (problems.length) throw invalidConfig(shown, problems);
  const generated = await generateSources(experiment, plans, {
    reporter: deps.reporter,
    clock: deps.clock,
    env: deps.env,
    signal: deps.signal ?? new AbortController().signal,
  });
  return generated.experiment;
}
