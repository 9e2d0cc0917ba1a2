import { tryFileLock } from "../runs/index.js";

/**
 * One streamer per attempt on this machine: two processes appending the same bytes would
 * double them. The file lock of the registry (generations, holder pid and start time), so a
 * SIGKILLed tunectl's lock is taken over, by exactly one of the processes that find it.
 */
export async function acquireStreamLock(
  file: string,
): Promise<{ release(): Promise<void> } | { heldBy: number }> {
  const taken = await tryFileLock(file);
  return "held" in taken ? taken.held : { heldBy: taken.heldBy.pid };
}
