import os from "node:os";
import path from "node:path/posix";
import type { Experiment } from "../config/index.js";
import { isTunectlError } from "../errors/index.js";
import { recordLeaseHandle, hostWorkdir, type RemoteHost } from "../hosts/index.js";
import type { RunRecord } from "../runs/index.js";
import { bringDataset, type DatasetSourceStore, type StagedFile } from "./dataset-transfer.js";
import { hostLayout, type HostLayout } from "./host-layout.js";
import { prepareHostRunDir } from "./host-run-dir.js";
import type { LaunchDeps } from "./launch-deps.js";
import { candidateHosts, placeRun } from "./placement.js";
import { runtimeFor } from "./runtime-for.js";
import { releaseAttemptLeases } from "./settle-attempt.js";
import { trainJson } from "./train-config.js";
import { shipTrainer } from "./trainer-package.js";
import { trainerEnv } from "./trainer-env.js";
import { launchDataset } from "./events.js";
import { trainerPython } from "./trainer-venv.js";

/** A dataset as staged in the object store (datasets/<sha256>/). */
export interface StagedDataset {
  fingerprint: string;
  prefix: string;
  files: StagedFile[];
  /** Staging known only from this workspace's record: check the bucket again, return its files. */
  recheck?(): Promise<StagedFile[]>;
}

/** For a host whose cache already has the dataset: nothing is fetched, so no store is needed. */
const noStore: DatasetSourceStore = {
  presignGet: async () => undefined,
  localPath: () => undefined,
};

/** Where a resumed attempt starts: a checkpoint step, put on the chosen host before the start. */
export interface ResumePoint {
  step: number;
  ensureOnHost(host: RemoteHost, layout: HostLayout): Promise<void>;
}

export interface AttemptRequest {
  run: RunRecord;
  experiment: Experiment;
  dataset: StagedDataset;
  secrets: Record<string, string>;
  hostOverride?: string;
  /** Hosts not to use (a retry away from an unreachable host). */
  avoid?: string[];
  /** Try this host first (a resume where its checkpoint already is). */
  prefer?: string;
  resume?: ResumePoint;
}

/**
 * Take the run's current attempt from pending through placing and launching to running:
 * lease GPUs on a host, bring the dataset and config there, start the trainer detached.
 * Any failure settles the attempt as failed and gives its leases back.
 */
export async function launchAttempt(deps: LaunchDeps, request: AttemptRequest): Promise<RunRecord> {
  const { run, experiment } = request;
  const attemptN = run.attempts.length;
  const launcher = { pid: process.pid, machine: os.hostname() };
  await deps.registry.setState(run.id, "placing", { launcher });
  try {
    const candidates = candidateHosts(
      deps.hosts,
      experiment.resources.hosts,
      request.hostOverride,
    ).filter((name) => !(request.avoid ?? []).includes(name) || request.hostOverride === name);
    const placed = await placeRun(
      deps.hosts,
      { runId: run.id, gpus: experiment.resources.gpus, candidates },
      deps.reporter,
    );
    const layout = hostLayout(placed.workdir, run.id);
    await deps.registry.setState(
      run.id,
      "launching",
      { host: placed.name, gpus: placed.gpus, runtime: placed.runtime, host_dir: layout.runDir },
      `launching on ${placed.name}${placed.gpus.length ? ` with GPU ${placed.gpus.join(",")}` : ""}`,
    );
    const { host } = placed;
    const precheck = await prepareHostRunDir(
      host,
      layout,
      `${JSON.stringify(trainJson(run.id, experiment), null, 2)}\n`,
      request.dataset.fingerprint,
    );

    const minFree = experiment.resources.min_disk_gb * 1024 ** 3;
    // The bucket is asked only when the host must fetch the data: a staging known from an
    // earlier launch is checked again first.
    const files =
      precheck.datasetCached || !request.dataset.recheck
        ? request.dataset.files
        : await request.dataset.recheck();
    const data = await bringDataset(
      host,
      layout,
      await (precheck.datasetCached ? noStore : deps.store()),
      request.dataset.fingerprint,
      request.dataset.prefix,
      files,
      minFree,
      precheck,
    );
    launchDataset.emit(
      deps.reporter,
      data.moved
        ? `dataset ${request.dataset.fingerprint.slice(0, 12)} moved to ${placed.name}`
        : `dataset ${request.dataset.fingerprint.slice(0, 12)} already on ${placed.name}`,
      { fingerprint: request.dataset.fingerprint, host: placed.name, moved: data.moved },
    );
    if (request.resume) await request.resume.ensureOnHost(host, layout);

    const inContainer = placed.runtime !== "process";
    const resumeFrom = request.resume
      ? inContainer
        ? `/output/checkpoints/step-${request.resume.step}`
        : path.join(layout.checkpoints, `step-${request.resume.step}`)
      : "";
    const trainerPath = inContainer ? undefined : await shipTrainer(host, placed.workdir);
    const runtime = runtimeFor(placed.runtime);
    const handle = await runtime.start(host, {
      runId: run.id,
      attempt: attemptN,
      image: experiment.resources.image,
      layout,
      dataDir: data.dir,
      gpus: placed.gpus,
      shmSize: experiment.resources.shm_size,
      python: inContainer
        ? placed.config.python
        : await trainerPython(host, placed.config.python, deps.reporter),
      ...(trainerPath ? { trainerPath } : {}),
      env: trainerEnv({
        runId: run.id,
        attempt: attemptN,
        resumeFrom,
        ...(inContainer ? { logFile: layout.attemptLogInside(attemptN, true) } : {}),
        experiment,
        secrets: request.secrets,
      }),
    });
    if (placed.gpus.length > 0) {
      await recordLeaseHandle(host, hostWorkdir(placed.config), run.id, handle);
    }
    return await deps.registry.setState(
      run.id,
      "running",
      { handle },
      `running on ${placed.name} (${placed.runtime} ${handle})`,
    );
  } catch (error) {
    const failed = await deps.registry.setState(
      run.id,
      "failed",
      {
        error: {
          code: isTunectlError(error) ? error.code : "launch.failed",
          message: (error as Error).message,
        },
      },
      `failed to launch: ${(error as Error).message}`,
    );
    await releaseAttemptLeases(deps, failed);
    throw error;
  }
}
