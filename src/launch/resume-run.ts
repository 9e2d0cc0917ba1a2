import { parse } from "yaml";
import { experimentSchema, type Experiment } from "../config/index.js";
import { checkpointManifestSchema, describeIssues, parseDocument } from "../contract/index.js";
import { UserError } from "../errors/index.js";
import type { RemoteHost } from "../hosts/index.js";
import { listCheckpoints, type CheckpointListing } from "../monitor/index.js";
import {
  AttemptSupersededError,
  currentAttempt,
  isTerminal,
  type RunRecord,
} from "../runs/index.js";
import {
  placeCheckpoint,
  readLocalManifest,
  type CheckpointFiles,
  type CheckpointSource,
} from "./checkpoint-transfer.js";
import { layoutFromRunDir } from "./host-layout.js";
import { launchAttempt, type ResumePoint } from "./launch-attempt.js";
import type { LaunchDeps } from "./launch-deps.js";
import { candidateHosts, refuseMissingGpus } from "./placement.js";
import { checkRun } from "./reconcile.js";
import { stagedDatasetOf } from "./staged-dataset.js";
import { readSecrets } from "./trainer-env.js";
import { resumeCheckpoint, resumeFromScratch } from "./events.js";

export interface ResumeRequest {
  runId: string;
  host?: string;
  /** A checkpoint step; default the newest complete one. */
  fromStep?: number;
  reason?: "resume" | "retry";
  /** Hosts to keep away from (a retry after its host became unreachable). */
  avoid?: string[];
}

/** The run's resolved experiment, as recorded at its first launch. */
export async function recordedExperiment(deps: LaunchDeps, runId: string): Promise<Experiment> {
  const parsed = experimentSchema.safeParse(parse(await deps.registry.configYaml(runId)));
  if (parsed.success) return parsed.data;
  // recorded by an older tunectl whose rules were looser (e.g. fractional train.epochs), or edited
  throw new UserError(
    `run ${runId}'s recorded config.yaml is not valid: ${describeIssues(parsed.error)}`,
    {
      code: "run.config_outdated",
      hint: "start a new run from a corrected experiment file (tunectl run ...)",
    },
  );
}

async function previousHost(deps: LaunchDeps, run: RunRecord): Promise<RemoteHost | undefined> {
  const name = currentAttempt(run)?.host;
  if (!name) return undefined;
  return deps.hosts.get(name).catch(() => undefined);
}

function pickCheckpoint(
  available: CheckpointListing[],
  fromStep: number | undefined,
  runId: string,
): CheckpointListing | undefined {
  if (fromStep === undefined)
    return available.reduce<CheckpointListing | undefined>(
      (best, c) => (!best || c.step > best.step ? c : best),
      undefined,
    );
  const found = available.find((c) => c.step === fromStep);
  if (!found) {
    throw new UserError(`run ${runId} has no complete checkpoint at step ${fromStep}`, {
      code: "resume.no_such_checkpoint",
      hint: available.length
        ? `available steps: ${available.map((c) => c.step).join(", ")}`
        : "the run has no checkpoint yet",
    });
  }
  return found;
}

/**
 * A new attempt of a run that ended without succeeding, from its newest complete checkpoint
 * (or the one named): on the same host the checkpoint is already there; elsewhere it comes
 * from this machine's copy or the bucket, verified against its manifest. No checkpoint: it
 * starts again from step 0 and says so.
 */
export async function resumeRun(deps: LaunchDeps, request: ResumeRequest): Promise<RunRecord> {
  // an unknown --host is refused before the run gets an attempt that can only fail
  if (request.host) candidateHosts(deps.hosts, undefined, request.host);
  const run = await checkRun(deps, request.runId);
  if (run.state === "succeeded") {
    throw new UserError(`run ${run.id} already succeeded; nothing to resume`, {
      code: "resume.succeeded",
      hint: "start a new run with tunectl run, or compare it with others",
    });
  }
  if (!isTerminal(run.state)) {
    throw new UserError(`run ${run.id} is still ${run.state}`, {
      code: "resume.active",
      hint: `follow it with tunectl attach ${run.id}, or stop it with tunectl cancel ${run.id} first`,
    });
  }
  const experiment = await recordedExperiment(deps, run.id);
  // An unknown --host is refused before anything is added to the run.
  candidateHosts(deps.hosts, experiment.resources.hosts, request.host, experiment.resources.nodes);
  const secrets = readSecrets(experiment, deps.env);
  // a person asking: refused before an attempt is added (a retry's hosts were fine before)
  if (request.reason !== "retry") {
    await refuseMissingGpus(
      deps.hosts,
      candidateHosts(
        deps.hosts,
        experiment.resources.hosts,
        request.host,
        experiment.resources.nodes,
      ),
      experiment.resources.gpus,
    );
  }
  const store = await deps.store();
  const dataset = await stagedDatasetOf(deps, run, experiment, store);

  const before = currentAttempt(run)!;
  const oldHost = await previousHost(deps, run);
  const available = await listCheckpoints(deps.registry, run, {
    ...(oldHost ? { host: oldHost } : {}),
    store,
  });
  const chosen = pickCheckpoint(available, request.fromStep, run.id);

  let resume: ResumePoint | undefined;
  if (chosen) {
    const localDir = `${deps.registry.paths(run.id).checkpoints}/step-${chosen.step}`;
    const bucketPrefix = `runs/${run.id}/checkpoints/step-${chosen.step}/`;
    const manifestBytes = chosen.local
      ? await readLocalManifest(localDir)
      : chosen.bucket
        ? await store.getBuffer(`${bucketPrefix}manifest.json`)
        : await oldHost!.readFile(
            `${layoutFromRunDir(before.host_dir!).checkpoints}/step-${chosen.step}/manifest.json`,
          );
    const manifest: CheckpointFiles = parseDocument(checkpointManifestSchema, manifestBytes, {
      host: chosen.local ? "local" : chosen.bucket ? "bucket" : oldHost!.name,
      file: `checkpoints/step-${chosen.step}/manifest.json`,
    });
    const source: CheckpointSource | undefined = chosen.local
      ? { kind: "local", dir: localDir }
      : chosen.bucket
        ? {
            kind: "bucket",
            prefix: bucketPrefix,
            presign: (key) => store.presignGet(key, 3600),
            read: (key) => store.getBuffer(key),
          }
        : undefined;
    resume = {
      step: chosen.step,
      async ensureOnHost(host, layout) {
        const how = await placeCheckpoint(host, layout, manifest, manifestBytes, source);
        resumeCheckpoint.emit(
          deps.reporter,
          `checkpoint step-${chosen.step} ${how === "kept" ? "already" : "copied"} on ${host.name}`,
          { step: chosen.step, host: host.name, copied: how !== "kept" },
        );
      },
    };
  } else {
    resumeFromScratch.emit(
      deps.reporter,
      `run ${run.id} has no complete checkpoint: restarting from step 0`,
      { run: run.id },
    );
  }

  const reason = request.reason ?? "resume";
  const resumeFrom = chosen ? { step: chosen.step, path: `checkpoints/step-${chosen.step}` } : null;
  let pending: RunRecord;
  try {
    pending = await deps.registry.apply(
      run.id,
      { type: "attempt_created", attempt: before.n + 1, reason, resume_from: resumeFrom },
      `attempt ${before.n + 1} (${reason}) from step ${resumeFrom?.step ?? 0}`,
    );
    pending = await deps.registry.apply(run.id, {
      type: "staging_started",
      attempt: before.n + 1,
      launcher: deps.launcher,
    });
  } catch (error) {
    if (!(error instanceof AttemptSupersededError)) throw error;
    throw new UserError(`run ${run.id} was resumed or cancelled by another tunectl meanwhile`, {
      code: "resume.active",
      hint: `see it with tunectl show ${run.id}`,
    });
  }
  return launchAttempt(deps, {
    run: pending,
    experiment,
    dataset,
    secrets,
    ...(request.host ? { hostOverride: request.host } : {}),
    ...(request.avoid ? { avoid: request.avoid } : {}),
    ...(before.host && !request.avoid?.includes(before.host) ? { prefer: before.host } : {}),
    ...(resume ? { resume } : {}),
  });
}
