import { open, rm, stat } from "node:fs/promises";

/**
 * A lock file created with O_EXCL: the first process to create it holds the lock. A lock
 * older than `staleMs` belongs to a process that died mid-update and is broken.
 */
export async function withFileLock<T>(
  lockPath: string,
  body: () => Promise<T>,
  { timeoutMs = 10_000, staleMs = 30_000 } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let delay = 2;
  for (;;) {
    try {
      const handle = await open(lockPath, "wx");
      await handle.write(`${process.pid}\n`);
      await handle.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const info = await stat(lockPath).catch(() => undefined);
      if (info && Date.now() - info.mtimeMs > staleMs) {
        await rm(lockPath, { force: true });
        continue;
      }
      if (Date.now() > deadline) {
        throw new Error(`timed out waiting for lock ${lockPath}`, { cause: error });
      }
      await new Promise((resolve) => setTimeout(resolve, delay + Math.random() * delay));
      delay = Math.min(delay * 2, 50);
    }
  }
  try {
    return await body();
  } finally {
    await rm(lockPath, { force: true });
  }
}
