// `tunectl ui` started from the built CLI as a user starts it, and the runs it watches.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdir, readFile, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { createInterface } from "node:readline";
import { bin, repoRoot } from "../../concurrency/crowd.js";

export interface Dashboard {
  url: string;
  port: number;
  process: ChildProcess;
  /** Everything it wrote to stderr (its events), for a failing test's message. */
  stderr: () => string;
  stop(): Promise<void>;
}

export interface DashboardOptions {
  args?: string[];
  env?: Record<string, string>;
  timeoutMs?: number;
}

/**
 * Two stand-in GPUs on this machine: the testbed's `nvidia-smi` stand-in (the only double,
 * for the GPU itself) linked into `<dir>/bin`, its list beside it. Returns the PATH that puts
 * it first, so host `local` probes and leases those GPUs; the trainer still runs on the CPU.
 */
export async function fakeGpus(dir: string): Promise<string> {
  await mkdir(path.join(dir, "bin"), { recursive: true });
  await symlink(
    path.join(repoRoot, "scripts", "testbed", "nvidia-smi"),
    path.join(dir, "bin", "nvidia-smi"),
  );
  await writeFile(
    path.join(dir, "gpus.csv"),
    [
      "0,GPU-7e57b3d0-0000-4000-8000-000000000000,NVIDIA A100-SXM4-80GB,81920,1234,37,41,90.00",
      "1,GPU-7e57b3d0-0000-4000-8000-000000000001,NVIDIA A100-SXM4-80GB,81920,0,0,30,60.00",
      "",
    ].join("\n"),
  );
  return `${path.join(dir, "bin")}:${process.env.PATH ?? ""}`;
}

/** Start `tunectl ui --json [ARGS]` in `ws` and wait (bounded) for the URL it prints. */
export async function startDashboard(
  ws: string,
  { args = [], env = {}, timeoutMs = 60_000 }: DashboardOptions = {},
): Promise<Dashboard> {
  const child = spawn(process.execPath, [bin, "ui", "--json", ...args], {
    cwd: ws,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? ws, NO_COLOR: "1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  const lines = createInterface({ input: child.stdout! });
  const first = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`tunectl ui printed no URL: ${stderr}`)),
      timeoutMs,
    );
    lines.once("line", (line) => {
      clearTimeout(timer);
      resolve(line);
    });
    child.once("exit", (code) => reject(new Error(`tunectl ui exited ${code}: ${stderr}`)));
  });
  const { url, port } = JSON.parse(first) as { url: string; port: number };
  return {
    url,
    port,
    process: child,
    stderr: () => stderr,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGINT");
      const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** A run's record as written in the registry. */
export async function runState(ws: string, id: string): Promise<string> {
  const file = path.join(ws, ".tunectl", "runs", id, "run.json");
  return (JSON.parse(await readFile(file, "utf8")) as { state: string }).state;
}

/** Wait for `check` to hold, polling; throws with `what` after `timeoutMs`. */
export async function until(
  what: string,
  check: () => Promise<boolean> | boolean,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
