// One testbed-changing command at a time on this machine (several people and test runs share it).
import fs from "node:fs";
import path from "node:path";
import { runDir } from "./layout.mjs";
import { sleep } from "./proc.mjs";

const lockPath = path.join(runDir, "lock");

function holder() {
  try {
    return Number.parseInt(fs.readFileSync(lockPath, "utf8"), 10);
  } catch {
    return undefined;
  }
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function withLock(log, fn, { timeoutMs = 15 * 60_000 } = {}) {
  fs.mkdirSync(runDir, { recursive: true });
  const deadline = Date.now() + timeoutMs;
  let told = false;
  for (;;) {
    try {
      fs.writeFileSync(lockPath, `${process.pid}\n`, { flag: "wx" });
      break;
    } catch (err) {
      if (err.code !== "EEXIST") throw err;
      const pid = holder();
      if (pid !== undefined && !alive(pid)) {
        fs.rmSync(lockPath, { force: true });
        continue;
      }
      if (Date.now() > deadline)
        throw new Error(`another testbed command (pid ${pid}) held the lock too long`, {
          cause: err,
        });
      if (!told) log(`waiting for another testbed command (pid ${pid}) to finish`);
      told = true;
      await sleep(250);
    }
  }
  try {
    return await fn();
  } finally {
    if (holder() === process.pid) fs.rmSync(lockPath, { force: true });
  }
}
