import { readFileSync } from "node:fs";
import { hostname } from "node:os";

/** Who holds a lock file: enough to tell, later and from another process, whether it still lives. */
export interface LockHolder {
  pid: number;
  host: string;
  /** The process's start time (Linux: clock ticks since boot), so a reused pid is not taken for it. */
  start?: string;
}

/** The start time of a process from /proc; undefined where there is no /proc (macOS) or no access. */
export function processStart(pid: number | "self"): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces and parentheses: count from the last ")".
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return fields[19];
  } catch {
    return undefined;
  }
}

let self: LockHolder | undefined;

export function thisProcess(): LockHolder {
  self ??= {
    pid: process.pid,
    host: hostname(),
    ...(processStart("self") === undefined ? {} : { start: processStart("self")! }),
  };
  return self;
}

/**
 * Whether a holder on this machine is gone: its pid is not alive, or it is alive but started
 * at another time (the pid was reused). Undefined for a holder on another machine (a shared
 * filesystem): only the lock's heartbeat can tell then.
 */
export function holderGone(holder: LockHolder): boolean | undefined {
  if (holder.host !== thisProcess().host) return undefined;
  if (holder.pid === process.pid) return holder.start !== thisProcess().start;
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EPERM") return true;
  }
  if (holder.start === undefined) return false;
  const start = processStart(holder.pid);
  return start !== undefined && start !== holder.start;
}

export function parseHolder(line: string): LockHolder | undefined {
  try {
    const value = JSON.parse(line) as Partial<LockHolder>;
    if (typeof value.pid !== "number" || typeof value.host !== "string") return undefined;
    return {
      pid: value.pid,
      host: value.host,
      ...(typeof value.start === "string" ? { start: value.start } : {}),
    };
  } catch {
    return undefined;
  }
}
