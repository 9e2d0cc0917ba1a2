import { open, rm, utimes } from "node:fs/promises";
import { InfraError } from "../errors/index.js";
import { generations, liveHolder, markReleased } from "./lock-generations.js";
import { thisProcess, type LockHolder } from "./lock-holder.js";

/**
 * A lock shared by tunectl processes through one directory, safe when a holder dies.
 *
 * The lock `<dir>/<name>` is a series of generation files `<name>.<g>`, each created with
 * O_EXCL and holding its holder (pid, start time, host). The highest generation decides:
 * the lock is free when that file says `released`, or its holder is gone. To take it, a
 * process creates generation top+1: of all processes that saw the same top, exactly one
 * creates it. No process ever deletes the top file, so no one can delete a lock someone else
 * has just taken (the race of "both delete the stale lock, both hold it"). After creating, the
 * taker lists again: a higher generation (its view was old) or a live lower holder means it
 * does not hold the lock; it marks its file released and tries again. The holder removes the
 * generations below its own. A holder on another machine (a shared filesystem) cannot be
 * asked for its pid: it refreshes its file's mtime, and counts as gone once that is older
 * than `staleMs`.
 */
export interface HeldLock {
  release(): Promise<void>;
}

export type LockAttempt = { held: HeldLock } | { heldBy: LockHolder };

export interface LockOptions {
  /** How long to wait for a live holder; Infinity waits as long as it lives. */
  timeoutMs?: number;
  /** A holder on another machine whose heartbeat is older than this is gone. */
  staleMs?: number;
  /** Told once, when the lock is found held. */
  onWait?: (holder: LockHolder) => void;
}

/** One try: the lock, or who holds it. */
export async function tryFileLock(lockPath: string, staleMs = 30_000): Promise<LockAttempt> {
  for (;;) {
    const taken = await takeOnce(lockPath, staleMs);
    if (taken !== "contended") return taken;
  }
}

export async function withFileLock<T>(
  lockPath: string,
  body: () => Promise<T>,
  { timeoutMs = 10_000, staleMs = 30_000, onWait }: LockOptions = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let delay = 2;
  let told = false;
  let lock: HeldLock;
  for (;;) {
    const taken = await tryFileLock(lockPath, staleMs);
    if ("held" in taken) {
      lock = taken.held;
      break;
    }
    if (!told) onWait?.(taken.heldBy);
    told = true;
    if (Date.now() > deadline) {
      const { pid, host } = taken.heldBy;
      throw new InfraError(`timed out waiting for ${lockPath}, held by pid ${pid} on ${host}`, {
        code: "lock.timeout",
        hint: "another tunectl process is working on the same thing: let it finish, or end it",
        data: { lock: lockPath, holder: taken.heldBy },
      });
    }
    await new Promise((resolve) => setTimeout(resolve, delay + Math.random() * delay));
    delay = Math.min(delay * 2, 50);
  }
  try {
    return await body();
  } finally {
    await lock.release();
  }
}

async function takeOnce(lockPath: string, staleMs: number): Promise<LockAttempt | "contended"> {
  const before = await generations(lockPath);
  const top = before[before.length - 1];
  if (top) {
    const holder = await liveHolder(top.file, staleMs);
    if (holder) return { heldBy: holder };
  }
  const mine = `${lockPath}.${(top?.g ?? 0) + 1}`;
  try {
    const handle = await open(mine, "wx", 0o644);
    try {
      await handle.writeFile(`${JSON.stringify(thisProcess())}\n`);
    } finally {
      await handle.close();
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return "contended";
    throw error;
  }
  const g = (top?.g ?? 0) + 1;
  const after = await generations(lockPath);
  const lower = after.filter((gen) => gen.g < g);
  if (after.some((gen) => gen.g > g)) return giveUp(mine, "contended");
  for (const gen of lower) {
    const holder = await liveHolder(gen.file, staleMs);
    if (holder) return giveUp(mine, { heldBy: holder });
  }
  await Promise.all(lower.map((gen) => rm(gen.file, { force: true })));
  return { held: holding(mine, staleMs) };
}

async function giveUp<T>(file: string, result: T): Promise<T> {
  await markReleased(file);
  return result;
}

function holding(file: string, staleMs: number): HeldLock {
  const beat = setInterval(
    () => {
      const now = new Date();
      utimes(file, now, now).catch(() => undefined);
    },
    Math.max(250, staleMs / 4),
  );
  beat.unref();
  let released = false;
  return {
    async release() {
      if (released) return;
      released = true;
      clearInterval(beat);
      await markReleased(file);
    },
  };
}
