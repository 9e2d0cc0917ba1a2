import path from "node:path/posix";
import type { Experiment } from "../config/index.js";
import { isTunectlError } from "../errors/index.js";
import { recordLeaseHandle, hostWorkdir, type RemoteHost } from "../hosts/index.js";
import { AttemptSupersededError, type LifecycleEvent, type RunRecord } from "../runs/index.js";
import { bringDataset, type DatasetSourceStore, type StagedFile } from "./dataset-transfer.js";
import { hostLayout, type HostLayout } from "./host-layout.js";
import { prepareHostRunDir } from "./host-run-dir.js";
import type { LaunchDeps } from "./launch-deps.js";
import { candidateHosts, placeRun, type Placement } from "./placement.js";
import { releaseAttemptLeases } from "./settle-attempt.js";
import { trainJson } from "./train-config.js";
import { ensureStillLaunching, standDown, stopStarted } from "./superseded-launch.js";
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
 * Any failure settles the attempt as failed and gives its leases back. An attempt ended
 * meanwhile (cancelled while placing or launching) is not an error: what this launch
 * started is stopped, its leases are released, and the ended record is returned.
 */
export async function launchAttempt(deps: LaunchDeps, request: AttemptRequest): Promise<RunRecord> {
  const { run, experiment } = request;
  const attemptN = run.attempts.length;
  const apply = (event: LifecycleEvent, message?: string) =>
    deps.registry.apply(run.id, event, message);
  let placed: Placement | undefined;
  let handle: string | undefined;
  try {
    await apply({ type: "placing_started", attempt: attemptN, launcher: deps.launcher });
    const allowed = candidateHosts(
      deps.hosts,
      experiment.resources.hosts,
      request.hostOverride,
      experiment.resources.nodes,
    ).filter((name) => !(request.avoid ?? []).includes(name) || request.hostOverride === name);
    // a resume tries the host its checkpoint is on first (a Slurm run stays on its cluster)
    const { prefer } = request;
    const candidates =
      prefer && allowed.includes(prefer)
        ? [prefer, ...allowed.filter((name) => name !== prefer)]
        : allowed;
    placed = await placeRun(
      deps.hosts,
      { runId: run.id, gpus: experiment.resources.gpus, candidates },
      deps.reporter,
    );
    const layout = hostLayout(placed.workdir, run.id);
    await apply(
      {
        type: "placed",
        attempt: attemptN,
        placement: {
          host: placed.name,
          gpus: placed.gpus,
          runtime: placed.runtime,
          host_dir: layout.runDir,
        },
      },
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

    // On Slurm the trainer runs on a node with the host's own runtime (process: a shared venv).
    const inContainer =
      (placed.runtime === "slurm" ? placed.config.runtime : placed.runtime) !== "process";
    const resumeFrom = request.resume
      ? inContainer
        ? `/output/checkpoints/step-${request.resume.step}`
        : path.join(layout.checkpoints, `step-${request.resume.step}`)
      : "";
    const trainerPath = inContainer ? undefined : await shipTrainer(host, placed.workdir);
    // A cancel may have come while the data moved: start no trainer for an ended attempt.
    await ensureStillLaunching(deps, run.id, attemptN);
    handle = await deps.runtime(placed.runtime).start(host, {
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
      ...(placed.runtime === "slurm"
        ? {
            slurm: {
              host: placed.config,
              gpus: experiment.resources.gpus,
              nodes: experiment.resources.nodes,
            },
          }
        : {}),
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
    return await apply(
      { type: "started", attempt: attemptN, handle },
      `running on ${placed.name} (${placed.runtime} ${handle})`,
    );
  } catch (error) {
    if (error instanceof AttemptSupersededError) {
      return standDown(deps, run.id, attemptN, placed, handle);
    }
    let failed: RunRecord;
    try {
      failed = await apply(
        {
          type: "launch_failed",
          attempt: attemptN,
          error: {
            code: isTunectlError(error) ? error.code : "launch.failed",
            message: (error as Error).message,
          },
        },
        `failed to launch: ${(error as Error).message}`,
      );
    } catch (refused) {
      if (refused instanceof AttemptSupersededError) {
        return standDown(deps, run.id, attemptN, placed, handle);
      }
      throw refused;
    }
    if (placed && handle) await stopStarted(deps, placed, handle);
    await releaseAttemptLeases(deps, failed);
    throw error;
  }
}
