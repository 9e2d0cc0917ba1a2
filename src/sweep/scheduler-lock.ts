import { UserError } from "../errors/index.js";
import { tryFileLock, type HeldLock } from "../runs/index.js";
import type { SweepRegistry } from "./sweep-registry.js";

/** How long a scheduler waits for the lock (a `sweep attach` looks at it for a moment). */
const waitMs = 3000;

/**
 * One scheduler per sweep: `sweep run` and `sweep resume` hold `<sweep dir>/scheduler.lock`
 * (the workspace's file lock: a holder that died frees it) while they start trials.
 */
export async function holdScheduler(sweeps: SweepRegistry, id: string): Promise<HeldLock> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const taken = await tryFileLock(sweeps.schedulerLock(id));
    if ("held" in taken) return taken.held;
    if (Date.now() > deadline) {
      throw new UserError(
        `sweep ${id} is scheduled by another tunectl (pid ${taken.heldBy.pid} on ${taken.heldBy.host})`,
        {
          code: "sweep.scheduler_running",
          hint: `follow it with tunectl sweep attach ${id}; stop it with tunectl sweep cancel ${id}`,
        },
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Whether a scheduler holds the sweep now (`sweep attach` waits for it to finish). */
export async function schedulerRunning(sweeps: SweepRegistry, id: string): Promise<boolean> {
  const taken = await tryFileLock(sweeps.schedulerLock(id));
  if (!("held" in taken)) return true;
  await taken.held.release();
  return false;
}
