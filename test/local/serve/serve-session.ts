import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const bin = path.resolve("bin", "tunectl.js");
const env = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", NO_COLOR: "1" };

/** A workspace in a temp dir holding the example configs: embedded defaults, host `local`. */
export function freshWorkspace(prefix: string): string {
  if (!existsSync(path.resolve("dist", "cli"))) {
    throw new Error("the local suite drives the built CLI: run `npm run build` first");
  }
  const ws = mkdtempSync(path.join(tmpdir(), prefix));
  cpSync(path.resolve("configs"), path.join(ws, "configs"), { recursive: true });
  return ws;
}

export function tunectlIn(ws: string, ...args: string[]) {
  return spawnSync(process.execPath, [bin, ...args], { cwd: ws, encoding: "utf8", env });
}

/**
 * tunectlIn without blocking this process: a spawnSync of minutes starves the test worker's
 * event loop, and the runner then reports an RPC timeout however the test ended.
 */
export function tunectlInAsync(
  ws: string,
  ...args: string[]
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd: ws,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.once("close", (status) => resolve({ status, stdout, stderr }));
  });
}

/** The run id a `tunectl run --json`… or plain `run` printed: `run <id> succeeded`. */
export function trainTiny(ws: string, ...sets: string[]): string {
  const result = tunectlIn(
    ws,
    "run",
    "configs/tiny-cpu.yaml",
    ...sets.flatMap((s) => ["--set", s]),
  );
  const id = /run (\S+) succeeded/.exec(result.stdout + result.stderr)?.[1];
  if (result.status !== 0 || !id) {
    throw new Error(`tunectl run failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
  }
  return id;
}

export interface ServeInfo {
  base_url: string;
  model: string;
  server: string;
  pid: number;
  port: number;
}

/** `tunectl serve ARGS --json` as a child process; resolves once it printed where it serves. */
export async function startServe(
  ws: string,
  args: string[],
): Promise<{
  child: ChildProcess;
  info: ServeInfo;
  output: () => string;
  ended: Promise<number | null>;
}> {
  const child = spawn(process.execPath, [bin, "--json", "serve", ...args], {
    cwd: ws,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  const ended = new Promise<number | null>((resolve) => child.once("close", resolve));
  const info = await new Promise<ServeInfo>((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      const start = stdout.indexOf("{");
      try {
        if (start >= 0) resolve(JSON.parse(stdout.slice(start)) as ServeInfo);
      } catch {
        // not whole yet
      }
    });
    child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    void ended.then((code) =>
      reject(new Error(`tunectl serve exited ${code}:\n${stdout}\n${stderr}`)),
    );
  });
  return { child, info, output: () => stdout + stderr, ended };
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // a zombie is gone for every purpose here
  const stat = existsSync(`/proc/${pid}/stat`) ? readFileSync(`/proc/${pid}/stat`, "utf8") : "";
  return !/^\d+ \(.*\) Z/.test(stat);
}
