// `tunectl ui` started from the built CLI as a user starts it, and the runs it watches.
import { spawn, type ChildProcess } from "node:child_process";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { createInterface } from "node:readline";
import { bin } from "../../concurrency/crowd.js";

export interface Dashboard {
  url: string;
  port: number;
  process: ChildProcess;
  /** Everything it wrote to stderr (its events), for a failing test's message. */
  stderr: () => string;
  stop(): Promise<void>;
}

/** Start `tunectl ui --json` in `ws` and wait (bounded) for the URL it prints. */
export async function startDashboard(ws: string, timeoutMs = 60_000): Promise<Dashboard> {
  const child = spawn(process.execPath, [bin, "ui", "--json"], {
    cwd: ws,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? ws, NO_COLOR: "1" },
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
