import path from "node:path";
import type { Experiment } from "../config/index.js";
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
  const prepared = await prepareDataset(experiment, {
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
