// Running commands and owning daemons by PID, every wait bounded.
import { spawn } from "node:child_process";
import fs from "node:fs";

export class CommandError extends Error {}

/** Run a command to completion; rejects on non-zero exit unless allowFail. */
export function run(cmd, args = [], opts = {}) {
  const { timeoutMs = 60_000, input, allowFail = false, env, stdio = "pipe", cwd } = opts;
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      env: env ?? process.env,
      cwd,
      stdio: stdio === "inherit" ? ["pipe", "inherit", "inherit"] : "pipe",
    });
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (d) => (stdout += d));
    child.stderr?.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", (err) => {
      clearTimeout(timer);
      reject(new CommandError(`${cmd}: ${err.message}`, { cause: err }));
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const result = { code: code ?? 128, signal, stdout, stderr };
      if (code === 0 || allowFail) return resolve(result);
      const why =
        signal === "SIGKILL" ? `timed out after ${timeoutMs} ms` : `exit ${code ?? signal}`;
      reject(new CommandError(`${cmd} ${args.join(" ")}: ${why}\n${stderr.trim()}`));
    });
    if (input !== undefined) child.stdin.end(input);
    else child.stdin?.end();
  });
}

/** Start a daemon detached from us, output appended to logFile; returns its pid. */
export function spawnDetached(cmd, args, { logFile, env, cwd } = {}) {
  const out = fs.openSync(logFile, "a");
  const child = spawn(cmd, args, {
    detached: true,
    stdio: ["ignore", out, out],
    env: env ?? process.env,
    cwd,
  });
  fs.closeSync(out);
  child.unref();
  return child.pid;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Poll check() until it returns truthy or the deadline passes. */
export async function waitFor(what, check, { timeoutMs = 30_000, intervalMs = 100 } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}

function cmdline(pid) {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ");
  } catch {
    return undefined;
  }
}

/** True when pid is alive and its command line contains marker (guards against PID reuse). */
export function isOurs(pid, marker) {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  const line = cmdline(pid);
  if (line === undefined) return false;
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  if (/\) Z /.test(stat)) return false;
  return line.includes(marker);
}

export function readPid(file) {
  try {
    const pid = Number.parseInt(fs.readFileSync(file, "utf8").trim(), 10);
    return Number.isInteger(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** SIGTERM, wait, then SIGKILL: only if the pid still runs our command. */
export async function stopPid(pid, marker, { graceMs = 10_000 } = {}) {
  if (!isOurs(pid, marker)) return false;
  process.kill(pid, "SIGTERM");
  try {
    await waitFor(`pid ${pid} to exit`, () => !isOurs(pid, marker), { timeoutMs: graceMs });
  } catch {
    if (isOurs(pid, marker)) process.kill(pid, "SIGKILL");
    await waitFor(`pid ${pid} to die`, () => !isOurs(pid, marker), { timeoutMs: 5_000 });
  }
  return true;
}
