// Many tunectl processes at once on one workspace: the built CLI spawned as a user would,
// on this machine only (local storage, the embedded host `local` with the process runtime).
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, readdir } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const bin = path.join(repoRoot, "bin", "tunectl.js");
export const tinyConfig = path.join(repoRoot, "configs", "tiny-cpu.yaml");

export interface CliResult {
  args: string[];
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunJson {
  id: string;
  state: string;
  attempts: { n: number; state: string; handle?: string; runtime?: string }[];
  dataset?: { fingerprint: string };
}

/** A fresh workspace: no tunectl.yaml, so the embedded defaults (a local store, host `local`). */
export async function freshWorkspace(): Promise<string> {
  if (!existsSync(path.join(repoRoot, "dist", "cli"))) {
    throw new Error("the concurrency suite drives the built CLI: run `npm run build` first");
  }
  return mkdtemp(path.join(os.tmpdir(), "tunectl-crowd-"));
}

/** `node bin/tunectl.js ARGS` in `cwd`, bounded in time; never rejects. */
export function tunectl(
  args: string[],
  cwd: string,
  timeoutMs = 300_000,
  env: Record<string, string> = {},
): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? cwd, NO_COLOR: "1", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ args, code, stdout, stderr });
    });
  });
}

/** All at once: every command started before any is awaited. */
export function crowd(commands: string[][], cwd: string): Promise<CliResult[]> {
  return Promise.all(commands.map((args) => tunectl(args, cwd)));
}

/** What is wrong with a crowd's exits: a bug (exit 1, "internal error") or an unexpected code. */
export function badExits(results: CliResult[], allowed: number[] = [0]): string[] {
  return results
    .filter((r) => r.code === null || !allowed.includes(r.code) || /internal error/i.test(r.stderr))
    .map((r) => {
      const said = r.stderr.split("\n").find((line) => /error/i.test(line)) ?? r.stderr.slice(-300);
      return `\`tunectl ${r.args.join(" ")}\` exited ${r.code}: ${said.trim()}`;
    });
}

/** Every run.json of the workspace, each parsed; a torn or missing one is a problem. */
export async function runRecords(ws: string): Promise<{ runs: RunJson[]; problems: string[] }> {
  const runsDir = path.join(ws, ".tunectl", "runs");
  const runs: RunJson[] = [];
  const problems: string[] = [];
  for (const id of await readdir(runsDir).catch(() => [] as string[])) {
    try {
      runs.push(JSON.parse(await readFile(path.join(runsDir, id, "run.json"), "utf8")) as RunJson);
    } catch (error) {
      problems.push(`run ${id}: run.json does not parse (${(error as Error).message})`);
    }
  }
  return { runs, problems };
}

/** The last state the run's events.jsonl records (every line must parse). */
export async function lastLoggedState(ws: string, id: string): Promise<string | undefined> {
  const text = await readFile(path.join(ws, ".tunectl", "runs", id, "events.jsonl"), "utf8");
  let state: string | undefined;
  for (const line of text.split("\n").filter(Boolean)) {
    // every lifecycle event records the run's state before and after it
    const event = JSON.parse(line) as { type: string; data?: { to?: string } };
    if (event.data?.to) state = event.data.to;
  }
  return state;
}

/** Whether a process-runtime trainer is alive on this machine. */
export function trainerAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Dataset cache entries (by fingerprint) and leftovers (work directories) of a workspace. */
export async function cacheEntries(
  ws: string,
): Promise<{ entries: string[]; leftovers: string[] }> {
  const names = await readdir(path.join(ws, ".tunectl", "cache", "datasets")).catch(() => []);
  return {
    entries: names.filter((n) => /^[0-9a-f]{64}$/.test(n)),
    leftovers: names.filter((n) => n !== "index" && !/^[0-9a-f]{64}$/.test(n)),
  };
}

/** One line per scenario, in the suite's output. */
export function scenarioLine(name: string, problems: string[]): string {
  const line = `scenario ${name} | held ${problems.length === 0 ? "yes" : "no"}`;
  return problems.length === 0 ? line : `${line}\n  ${problems.join("\n  ")}`;
}
