import { readFile, readdir, rm, stat } from "node:fs/promises";
import path from "node:path";
import type { RemoteHost } from "../hosts/index.js";
import { trainerPython, trainerSourceDir } from "../launch/index.js";
import {
  fetchCheckpoint,
  listCheckpoints,
  type CheckpointDownloadStore,
  type MonitorHost,
} from "../monitor/index.js";
import type { Reporter } from "../report/index.js";
import type { RunRecord, RunRegistry } from "../runs/index.js";
import { chooseCheckpoint, type CheckpointChoice } from "./choose-checkpoint.js";
import { checkOutDir, makeStagingDir, publishDir } from "./export-dir.js";
import {
  exportCheckpointChosen,
  exportCheckpointFetched,
  exportRunning,
  exportWritten,
} from "./events.js";
import { exportOnHost, type HostExportTarget } from "./host-export.js";
import { runTrainerExport, trainerExportArgs, trainerExportFailed } from "./trainer-export.js";

export interface ExportRequest {
  run: RunRecord;
  /** --checkpoint; default: the best eval loss, else the newest (choose-checkpoint.ts). */
  step?: number;
  merge: boolean;
  /** Absolute. */
  out: string;
  force: boolean;
  /** Run the trainer's export on the run's host instead of here. */
  onHost?: HostExportTarget;
}

export interface ExportDeps {
  registry: Pick<RunRegistry, "paths">;
  reporter: Reporter;
  /** The host of the run's latest attempt, when it answers. */
  host?: MonitorHost;
  store?: CheckpointDownloadStore;
  /** This machine: a local export runs the trainer here. */
  local: RemoteHost;
  /** `auto` (the trainer virtualenv tunectl makes) or a Python with the trainer's lock. */
  localPython: string;
  /** Ctrl-C: the trainer's export is ended and nothing is left behind. */
  signal?: AbortSignal;
}

/** `tunectl export RUN --json` (a stable shape, docs/export.md). */
export interface ExportResult {
  run: string;
  step: number;
  chosen_by: CheckpointChoice["chosen_by"];
  merged: boolean;
  out: string;
  /** Where the trainer's export ran. */
  where: "local" | "host";
  base: string;
  revision: string | null;
  dtype: string;
  trust_remote_code: boolean;
  /** `base` when the export carries its base model (builtin:tiny), else null. */
  base_dir: string | null;
  files: Array<{ path: string; size: number }>;
}

export async function exportRun(deps: ExportDeps, request: ExportRequest): Promise<ExportResult> {
  const { run, out } = request;
  await checkOutDir(out, request.force);
  const known = await listCheckpoints(deps.registry, run, {
    ...(deps.host ? { host: deps.host } : {}),
    ...(deps.store ? { store: deps.store } : {}),
  });
  const choice = chooseCheckpoint(run.id, known, request.step);
  const how = { requested: "--checkpoint", best_eval_loss: "best eval loss", newest: "newest" };
  exportCheckpointChosen.emit(
    deps.reporter,
    `exporting step ${choice.step} of ${run.id} (${how[choice.chosen_by]})`,
    { run: run.id, step: choice.step, chosen_by: choice.chosen_by },
  );

  const staging = await makeStagingDir(out);
  try {
    if (request.onHost) {
      exportRunning.emit(deps.reporter, `trainer export on ${request.onHost.host.name}`, {
        run: run.id,
        step: choice.step,
        where: request.onHost.host.name,
      });
      await exportOnHost(request.onHost, deps.reporter, {
        ...(deps.signal ? { signal: deps.signal } : {}),
        runId: run.id,
        step: choice.step,
        merge: request.merge,
        localDir: staging,
      });
    } else {
      await exportLocally(deps, run, choice.step, request.merge, staging);
    }
    await publishDir(request.merge ? path.join(staging, "merged") : staging, out);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  exportWritten.emit(deps.reporter, `wrote ${out}`, {
    run: run.id,
    step: choice.step,
    out,
    merged: request.merge,
  });
  return {
    ...(await readExportRecord(out)),
    run: run.id,
    step: choice.step,
    chosen_by: choice.chosen_by,
    merged: request.merge,
    out,
    where: request.onHost ? "host" : "local",
    files: await listFiles(out),
  };
}

async function exportLocally(
  deps: ExportDeps,
  run: RunRecord,
  step: number,
  merge: boolean,
  staging: string,
): Promise<void> {
  const fetched = await fetchCheckpoint(deps.registry, run, step, {
    ...(deps.host ? { host: deps.host } : {}),
    ...(deps.store ? { store: deps.store } : {}),
  });
  if (!fetched) throw trainerExportFailed.unreachable(run.id, step);
  if (fetched.from !== "local") {
    exportCheckpointFetched.emit(
      deps.reporter,
      `checkpoint step ${step} pulled from the ${fetched.from} into the registry`,
      { run: run.id, step, from: fetched.from },
    );
  }
  const python = await trainerPython(deps.local, deps.localPython, deps.reporter);
  exportRunning.emit(deps.reporter, `trainer export here${merge ? " (merging weights)" : ""}`, {
    run: run.id,
    step,
    where: "local",
  });
  await runTrainerExport(
    deps.local,
    "this machine",
    [python, ...trainerExportArgs({ checkpoint: fetched.dir, out: staging, runId: run.id, merge })],
    { env: { PYTHONPATH: trainerSourceDir }, ...(deps.signal ? { signal: deps.signal } : {}) },
  );
}

type ExportRecord = Pick<
  ExportResult,
  "base" | "revision" | "dtype" | "trust_remote_code" | "base_dir"
>;

/** tunectl_export.json, written by the trainer's export (scripts/trainer/trainer/export.py). */
async function readExportRecord(dir: string): Promise<ExportRecord> {
  const record = JSON.parse(await readFile(path.join(dir, "tunectl_export.json"), "utf8")) as {
    [key: string]: unknown;
  };
  return {
    base: String(record.base),
    revision: typeof record.revision === "string" ? record.revision : null,
    dtype: String(record.dtype),
    trust_remote_code: record.trust_remote_code === true,
    base_dir: typeof record.base_dir === "string" ? record.base_dir : null,
  };
}

async function listFiles(dir: string): Promise<Array<{ path: string; size: number }>> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = entries.filter((entry) => entry.isFile());
  const rows = await Promise.all(
    files.map(async (entry) => {
      const full = path.join(entry.parentPath, entry.name);
      return {
        path: path.relative(dir, full).split(path.sep).join("/"),
        size: (await stat(full)).size,
      };
    }),
  );
  return rows.sort((a, b) => a.path.localeCompare(b.path));
}
