// Shared by the link-cut tests: what a healed stream must leave behind, read from both sides.
// The testbed's hosts are network namespaces of this machine, so a host's run directory is
// read straight from the filesystem, and its processes are this machine's processes.
import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { runCommand, type Testbed } from "../setup/testbed.js";
import { record, runDir, type Tunectl } from "../faults/fault-kit.js";

export interface Copies {
  hostMetrics: Buffer;
  localMetrics: Buffer;
  hostLog: Buffer;
  localLog: Buffer;
  hostGenerations: Buffer;
  localGenerations: Buffer;
}

/** The run's metrics and attempt-1 log on its host and in the workspace's registry. */
export async function copies(ws: string, runId: string): Promise<Copies> {
  const hostDir = (await record(ws, runId)).attempts[0]!.host_dir!;
  const local = runDir(ws, runId);
  const read = (file: string) => readFile(file).catch(() => Buffer.alloc(0));
  return {
    hostMetrics: await read(path.join(hostDir, "output", "metrics.jsonl")),
    localMetrics: await read(path.join(local, "metrics.jsonl")),
    hostLog: await read(path.join(hostDir, "output", "logs", "attempt-1.log")),
    localLog: await read(path.join(local, "logs", "attempt-1.log")),
    hostGenerations: await read(path.join(hostDir, "output", "generations.jsonl")),
    localGenerations: await read(path.join(local, "generations.jsonl")),
  };
}

export const lineCount = (bytes: Buffer) => bytes.toString("utf8").split("\n").length - 1;

/**
 * Mid-run healing: the local copies reach the sizes the host's files have now, and hold the
 * very same bytes. Resolves how long that took (ms).
 */
export async function healed(ws: string, runId: string, timeoutMs = 90_000): Promise<number> {
  const started = Date.now();
  const target = await copies(ws, runId);
  for (;;) {
    const now = await copies(ws, runId);
    const reached =
      now.localMetrics.length >= target.hostMetrics.length &&
      now.localLog.length >= target.hostLog.length &&
      now.localGenerations.length >= target.hostGenerations.length;
    if (reached) {
      const same = (local: Buffer, host: Buffer) => local.equals(host.subarray(0, local.length));
      if (
        !same(now.localMetrics, now.hostMetrics) ||
        !same(now.localLog, now.hostLog) ||
        !same(now.localGenerations, now.hostGenerations)
      ) {
        throw new Error(`${runId}: the local copies differ from the host's files`);
      }
      return Date.now() - started;
    }
    if (Date.now() - started > timeoutMs) {
      throw new Error(
        `${runId}: local copies still behind after ${timeoutMs} ms: metrics ${now.localMetrics.length} of ${target.hostMetrics.length} bytes, log ${now.localLog.length} of ${target.hostLog.length}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** When the trainer exited: it writes status.json last. */
export async function trainerExitedAt(ws: string, runId: string): Promise<number> {
  const hostDir = (await record(ws, runId)).attempts[0]!.host_dir!;
  return (await stat(path.join(hostDir, "output", "status.json"))).mtimeMs;
}

/** Stream loops (and the shells sshd started them with) still running for this run. */
export async function streamLoopsOf(ws: string, runId: string): Promise<string[]> {
  const hostDir = (await record(ws, runId)).attempts[0]!.host_dir!;
  const ps = await runCommand("ps", ["-eo", "pid=,args="]);
  return ps.stdout
    .split("\n")
    .filter((line) => line.includes("tunectl-stream") && line.includes(`${hostDir}/output/`))
    .map((line) => line.trim().slice(0, 60));
}

/** A background tunectl and the moment it exited (Date.now()). */
export function exitTime(started: Tunectl): Promise<number> {
  return started.done.then(() => Date.now());
}

/**
 * "sshd restarted" as a host's service manager does it when sessions die with the service:
 * the listener stops, and so do the sessions it forked (ours among them: the stream's channel).
 * Pids are taken from the listener's own children, nothing is killed by name. Returns how many
 * sessions were ended.
 */
export async function restartSshd(tb: Testbed, host: string, downMs: number): Promise<number> {
  const ps = await runCommand("ps", ["-eo", "pid=,ppid=,args="]);
  const rows = ps.stdout
    .split("\n")
    .map((line) => line.trim().split(/\s+/))
    .filter((cols) => cols.length >= 3)
    .map(([pid, ppid, ...args]) => ({
      pid: Number(pid),
      ppid: Number(ppid),
      args: args.join(" "),
    }));
  const config = path.join(".testbed", "hosts", host, "sshd_config");
  const listener = rows.find((row) => row.args.includes(config) && row.args.includes("listener"));
  if (!listener) throw new Error(`no sshd listener of ${host} in ps`);
  const sessions = rows.filter((row) => row.ppid === listener.pid).map((row) => row.pid);
  await tb.stopSshd(host);
  for (const pid of sessions) {
    try {
      process.kill(pid, "SIGTERM");
    } catch {
      // already gone with the listener
    }
  }
  await new Promise((resolve) => setTimeout(resolve, downMs));
  await tb.startSshd(host);
  return sessions.length;
}
