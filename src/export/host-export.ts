import { randomBytes } from "node:crypto";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { InfraError, UserError } from "../errors/index.js";
import type { RemoteHost } from "../hosts/index.js";
import { layoutFromRunDir, shipTrainer, trainerPython } from "../launch/index.js";
import type { Reporter } from "../report/index.js";
import { exportCopyProgress } from "./events.js";
import { containerTrainerArgv, type HostTrainerTarget } from "./trainer-on-host.js";
import { exportSubcommand, runTrainerExport, trainerExportArgs } from "./trainer-export.js";

/** Where `export --on-host` runs: the host of the run's latest attempt, with its runtime. */
export type HostExportTarget = HostTrainerTarget;

/**
 * Runs the trainer's export on the host into the run's output (`exports/<tmp>`), copies the
 * result into `localDir`, and removes it from the host whatever happened.
 */
export async function exportOnHost(
  target: HostExportTarget,
  reporter: Reporter,
  job: { runId: string; step: number; merge: boolean; localDir: string; signal?: AbortSignal },
): Promise<void> {
  const { host } = target;
  const layout = layoutFromRunDir(target.hostDir);
  const checkpoint = path.posix.join(layout.checkpoints, `step-${job.step}`);
  if (!(await host.stat(path.posix.join(checkpoint, "manifest.json")))) {
    throw new UserError(`checkpoint step ${job.step} of ${job.runId} is not on ${host.name}`, {
      code: "export.not_on_host",
      hint: "export it here instead (drop --on-host): tunectl fetches it from the registry or the bucket",
      data: { run: job.runId, step: job.step, host: host.name },
    });
  }
  const name = `step-${job.step}-${randomBytes(3).toString("hex")}`;
  const remoteOut = path.posix.join(layout.output, "exports", name);
  try {
    await runExport(target, reporter, job, remoteOut, name);
    await copyBack(host, remoteOut, job.localDir, reporter);
  } finally {
    await host.exec(["rm", "-rf", remoteOut], { timeoutMs: 60_000 }).catch(() => undefined);
  }
}

async function runExport(
  target: HostExportTarget,
  reporter: Reporter,
  job: { runId: string; step: number; merge: boolean; signal?: AbortSignal },
  remoteOut: string,
  name: string,
): Promise<void> {
  const { host } = target;
  const signal = job.signal ? { signal: job.signal } : {};
  if (target.runtime === "process") {
    const pythonPath = await shipTrainer(host, target.workdir);
    const python = await trainerPython(host, target.python, reporter);
    const argv = trainerExportArgs({
      checkpoint: path.posix.join(layoutFromRunDir(target.hostDir).checkpoints, `step-${job.step}`),
      out: remoteOut,
      runId: job.runId,
      merge: job.merge,
    });
    return runTrainerExport(host, host.name, [python, ...argv], {
      env: { PYTHONPATH: pythonPath },
      ...signal,
    });
  }
  // docker | podman: the run's image, whose entrypoint is `python -m trainer`, over its output
  return runTrainerExport(
    host,
    host.name,
    [
      ...(await containerTrainerArgv(target)),
      ...exportSubcommand({
        checkpoint: `/output/checkpoints/step-${job.step}`,
        out: `/output/exports/${name}`,
        runId: job.runId,
        merge: job.merge,
      }),
    ],
    signal,
  );
}

async function remoteFiles(
  host: RemoteHost,
  dir: string,
  prefix = "",
): Promise<Array<{ rel: string; size: number }>> {
  const found: Array<{ rel: string; size: number }> = [];
  for (const entry of await host.readdir(dir)) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.type === "directory")
      found.push(...(await remoteFiles(host, path.posix.join(dir, entry.name), rel)));
    else if (entry.type === "file") found.push({ rel, size: entry.size });
    else
      throw new InfraError(`${host.name}: the export holds ${rel}, a ${entry.type}`, {
        code: "export.unsafe_file",
      });
  }
  return found;
}

async function copyBack(
  host: RemoteHost,
  remoteDir: string,
  localDir: string,
  reporter: Reporter,
): Promise<void> {
  const files = await remoteFiles(host, remoteDir);
  const total = files.reduce((sum, file) => sum + file.size, 0);
  let done = 0;
  for (const file of files) {
    const local = path.join(localDir, ...file.rel.split("/"));
    await mkdir(path.dirname(local), { recursive: true });
    await host.getFile(path.posix.join(remoteDir, file.rel), local);
    done += file.size;
    exportCopyProgress.emit(reporter, `copied ${done} of ${total} bytes`, {
      task: "copy back",
      done,
      total,
      unit: "bytes",
    });
  }
}
