import { open, readFile, rm } from "node:fs/promises";

/**
 * One streamer per attempt on this machine: two processes appending the same bytes would
 * double them. The lock file holds the owner's pid; a lock whose pid is gone (a SIGKILLed
 * tunectl) is taken over.
 */
export async function acquireStreamLock(
  file: string,
): Promise<{ release(): Promise<void> } | { heldBy: number }> {
  for (let tries = 0; tries < 3; tries++) {
    try {
      const handle = await open(file, "wx");
      await handle.write(`${process.pid}\n`);
      await handle.close();
      return { release: () => rm(file, { force: true }) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const pid = Number((await readFile(file, "utf8").catch(() => "")).trim());
      if (pid > 0 && isAlive(pid)) return { heldBy: pid };
      await rm(file, { force: true });
    }
  }
  throw new Error(`could not take the stream lock ${file}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
