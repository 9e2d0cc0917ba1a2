import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import type { RunRecord } from "../runs/index.js";
import { writeFileAtomic } from "../runs/index.js";

/**
 * Where an attempt's metrics begin in the local metrics.jsonl, and which remote byte that
 * local byte corresponds to. The local file holds the attempts one after another; an attempt
 * on the same host directory as the previous one continues the same remote file, one on
 * another host starts it from 0. Written once, before the attempt's first byte is appended,
 * so the remote offset is always `local length - local_start + remote_start`. generations.jsonl
 * is the same kind of file (one per run on a host, appended by every attempt) and has its own
 * pair.
 */
export interface StreamOrigin {
  host: string;
  host_dir: string;
  metrics_local_start: number;
  metrics_remote_start: number;
  generations_local_start: number;
  generations_remote_start: number;
}

/** An origin recorded before generations were streamed: their copy starts now, from byte 0. */
type RecordedOrigin = Omit<StreamOrigin, "generations_local_start" | "generations_remote_start"> &
  Partial<StreamOrigin>;

export function monitorDir(runDir: string): string {
  return path.join(runDir, ".monitor");
}

function originFile(runDir: string, attempt: number): string {
  return path.join(monitorDir(runDir), `attempt-${attempt}.json`);
}

export async function readStreamOrigin(
  runDir: string,
  attempt: number,
): Promise<RecordedOrigin | null> {
  try {
    return JSON.parse(await readFile(originFile(runDir, attempt), "utf8")) as RecordedOrigin;
  } catch {
    return null;
  }
}

/** The remote offset the local file's `length` stands for. */
export function remoteOffset(
  origin: RecordedOrigin | null,
  file: "metrics" | "generations",
  length: number,
): number {
  const localStart = origin?.[`${file}_local_start`];
  const remoteStart = origin?.[`${file}_remote_start`];
  if (localStart === undefined || remoteStart === undefined) return 0;
  return Math.max(0, length - localStart + remoteStart);
}

/** The origin of `attempt`, recorded now from the local length when it is not yet known. */
export async function streamOrigin(
  run: RunRecord,
  runDir: string,
  attempt: number,
  host: string,
  hostDir: string,
  localMetricsLength: number,
  localGenerationsLength: number,
): Promise<StreamOrigin> {
  const fresh = {
    generations_local_start: localGenerationsLength,
    generations_remote_start: 0,
  };
  const known = await readStreamOrigin(runDir, attempt);
  if (known?.generations_local_start !== undefined && known.generations_remote_start !== undefined)
    return known as StreamOrigin;
  if (known) {
    const upgraded = { ...fresh, ...known };
    await writeFileAtomic(originFile(runDir, attempt), `${JSON.stringify(upgraded)}\n`);
    return upgraded;
  }
  let origin: StreamOrigin = {
    host,
    host_dir: hostDir,
    metrics_local_start: localMetricsLength,
    metrics_remote_start: 0,
    ...fresh,
  };
  // Walk back over earlier attempts that wrote to the same remote file; when that chain goes
  // back to the first attempt, the remote file is the whole local file.
  let n = attempt - 1;
  for (; n >= 1; n--) {
    const earlier = run.attempts.find((a) => a.n === n);
    if (!earlier || earlier.host !== host || earlier.host_dir !== hostDir) break;
    const earlierOrigin = await readStreamOrigin(runDir, n);
    if (earlierOrigin) {
      origin = { ...fresh, ...earlierOrigin, host, host_dir: hostDir };
      break;
    }
  }
  if (n === 0) {
    origin = {
      host,
      host_dir: hostDir,
      metrics_local_start: 0,
      metrics_remote_start: 0,
      generations_local_start: 0,
      generations_remote_start: 0,
    };
  }
  await mkdir(monitorDir(runDir), { recursive: true });
  await writeFileAtomic(originFile(runDir, attempt), `${JSON.stringify(origin)}\n`);
  return origin;
}

/**
 * Names this workstation's stream loops on hosts (their lease files): made once per run
 * directory, so a restarted tunectl replaces the loops an earlier one left behind, while
 * another workstation following the same run keeps its own.
 */
export async function streamClientId(runDir: string): Promise<string> {
  const file = path.join(monitorDir(runDir), "stream-id");
  const read = async () => {
    const known = (await readFile(file, "utf8").catch(() => "")).trim();
    return /^[0-9a-f]{16}$/.test(known) ? known : undefined;
  };
  const known = await read();
  if (known) return known;
  await mkdir(monitorDir(runDir), { recursive: true });
  const fresh = randomBytes(8).toString("hex");
  try {
    await writeFile(file, `${fresh}\n`, { flag: "wx" });
    return fresh;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  // another process made it a moment ago; a file that stays unreadable is replaced
  await new Promise((resolve) => setTimeout(resolve, 50));
  const made = await read();
  if (made) return made;
  await writeFileAtomic(file, `${fresh}\n`);
  return fresh;
}
