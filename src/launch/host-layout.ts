import path from "node:path/posix";

/**
 * Where a run lives on a host, under the host's absolute workdir (DESIGN.md "Hosts"):
 *   datasets/<sha256>/            staged data, shared by runs (a cache by content hash)
 *   trainer/<hash>/trainer/       the trainer package, for the process runtime
 *   runs/<run-id>/output/         mounted as /output: metrics.jsonl, checkpoints/, status.json, logs/
 *   runs/<run-id>/config/         mounted as /config: train.json
 *   runs/<run-id>/attempt-<n>.*   process runtime: pid and exit files
 */
export interface HostLayout {
  workdir: string;
  runDir: string;
  output: string;
  config: string;
  trainJson: string;
  metrics: string;
  status: string;
  checkpoints: string;
  attemptLog(n: number): string;
  /** Path of the attempt log as the trainer sees it (inside /output for containers). */
  attemptLogInside(n: number, inContainer: boolean): string;
  envFile(n: number): string;
  pidFile(n: number): string;
  exitFile(n: number): string;
  dataset(fingerprint: string): string;
}

export function hostLayout(workdir: string, runId: string): HostLayout {
  const runDir = path.join(workdir, "runs", runId);
  const output = path.join(runDir, "output");
  const config = path.join(runDir, "config");
  return {
    workdir,
    runDir,
    output,
    config,
    trainJson: path.join(config, "train.json"),
    metrics: path.join(output, "metrics.jsonl"),
    status: path.join(output, "status.json"),
    checkpoints: path.join(output, "checkpoints"),
    attemptLog: (n) => path.join(output, "logs", `attempt-${n}.log`),
    attemptLogInside: (n, inContainer) =>
      inContainer ? `/output/logs/attempt-${n}.log` : path.join(output, "logs", `attempt-${n}.log`),
    envFile: (n) => path.join(runDir, `.env-attempt-${n}`),
    pidFile: (n) => path.join(runDir, `attempt-${n}.pid`),
    exitFile: (n) => path.join(runDir, `attempt-${n}.exit`),
    dataset: (fingerprint) => path.join(workdir, "datasets", fingerprint),
  };
}

/** Container name for an attempt: unique per run and attempt, safe for docker and podman. */
export function containerName(runId: string, attempt: number): string {
  return `tunectl-${runId}-a${attempt}`.replace(/[^A-Za-z0-9_.-]/g, "-");
}

/** The layout of a run from its recorded host directory (`<workdir>/runs/<run-id>`). */
export function layoutFromRunDir(runDir: string): HostLayout {
  return hostLayout(path.dirname(path.dirname(runDir)), path.basename(runDir));
}
