// Shared by the fault and security suites: a private copy of the testbed workspace, tunectl
// driven as a user drives it (the built CLI in a child process), and the one-line results.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, readFile, readdir, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parse, stringify } from "yaml";
import {
  readRunMetrics,
  type MetricLine,
  type RunEvent,
  type RunRecord,
} from "../../src/runs/index.js";
import { repoRoot, runCommand, type CommandResult, type Testbed } from "../setup/testbed.js";

export const tinyConfig = path.join(repoRoot, "configs/tiny-cpu.yaml");
const cli = path.join(repoRoot, "bin/tunectl.js");

export interface HostEdit {
  runtime?: "docker" | "process";
  workdir?: string;
  python?: string;
}

/** The process runtime's Python on the testbed hosts: Debian's, which has torch. */
export const processRuntime: HostEdit = { runtime: "process", python: "auto" };

/** A workspace of our own (own registry), same hosts and bucket as the testbed's. */
export async function privateWorkspace(
  tb: Testbed,
  edits: Record<string, HostEdit> = {},
): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "tunectl-faults-"));
  const config = parse(await readFile(tb.tunectlYaml, "utf8")) as {
    hosts: Array<{ name: string } & HostEdit>;
    known_hosts?: string;
  };
  for (const host of config.hosts) Object.assign(host, edits[host.name] ?? {});
  await writeFile(path.join(dir, "tunectl.yaml"), stringify(config));
  await copyFile(tb.knownHosts, path.join(dir, "known_hosts"));
  return dir;
}

export async function builtCli(): Promise<void> {
  if (existsSync(path.join(repoRoot, "dist/cli/main.js"))) return;
  const result = await runCommand("npx", ["tsc", "-p", "tsconfig.build.json"], {
    timeoutMs: 240_000,
  });
  if (result.code !== 0) throw new Error(`build failed: ${result.stdout}${result.stderr}`);
}

export interface Tunectl {
  child: ChildProcess;
  done: Promise<CommandResult>;
}

/** `tunectl ARGS` from the workspace `ws`, in the background. */
export function startTunectl(
  tb: Testbed,
  ws: string,
  args: string[],
  env: Record<string, string> = {},
  timeoutMs = 240_000,
): Tunectl {
  const child = spawn(process.execPath, [cli, ...args], {
    cwd: ws,
    env: { ...process.env, ...tb.env(), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (d) => (stdout += d));
  child.stderr!.on("data", (d) => (stderr += d));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill("SIGKILL");
  }, timeoutMs);
  const done = new Promise<CommandResult>((resolve) => {
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, timedOut });
    });
  });
  return { child, done };
}

export function tunectl(
  tb: Testbed,
  ws: string,
  args: string[],
  env: Record<string, string> = {},
  timeoutMs = 240_000,
): Promise<CommandResult> {
  return startTunectl(tb, ws, args, env, timeoutMs).done;
}

export const runDir = (ws: string, runId: string) => path.join(ws, ".tunectl", "runs", runId);

export async function runIds(ws: string): Promise<string[]> {
  return (await readdir(path.join(ws, ".tunectl", "runs")).catch(() => [])).sort();
}

export async function record(ws: string, runId: string): Promise<RunRecord> {
  return JSON.parse(await readFile(path.join(runDir(ws, runId), "run.json"), "utf8")) as RunRecord;
}

export async function events(ws: string, runId: string): Promise<RunEvent[]> {
  const text = await readFile(path.join(runDir(ws, runId), "events.jsonl"), "utf8");
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as RunEvent);
}

export async function metrics(ws: string, runId: string): Promise<MetricLine[]> {
  return readRunMetrics(path.join(runDir(ws, runId), "metrics.jsonl"));
}

/** The run named `name` (run ids start with the name), once it exists. */
export async function runNamed(ws: string, name: string, timeoutMs = 60_000): Promise<string> {
  return waitFor(
    async () => {
      const ids = (await runIds(ws)).filter((id) => id.startsWith(`${name}-2`));
      return ids.length === 1 && existsSync(path.join(runDir(ws, ids[0]!), "run.json"))
        ? ids[0]
        : undefined;
    },
    timeoutMs,
    `run ${name} in the registry`,
  );
}

/** The run a background `tunectl run --name NAME` created; its own words if it ended first. */
export async function runStarted(ws: string, name: string, started: Tunectl): Promise<string> {
  let ended: CommandResult | undefined;
  void started.done.then((result) => (ended = result));
  const id = await waitFor(
    async () => {
      const ids = (await runIds(ws)).filter((id) => id.startsWith(`${name}-2`));
      if (ids.length === 1 && existsSync(path.join(runDir(ws, ids[0]!), "run.json"))) return ids[0];
      if (ended) return "";
      return undefined;
    },
    120_000,
    `run ${name} in the registry`,
  );
  if (!id) {
    throw new Error(
      `tunectl run --name ${name} ended (exit ${ended!.code}) before creating the run:\n${ended!.stderr}`,
    );
  }
  return id;
}

/** `--set` flags for a short tiny run: `steps` steps, a checkpoint and an eval every `every`. */
export function tinySets(steps: number, every: number, extra: string[] = []): string[] {
  return [
    `train.max_steps=${steps}`,
    `train.save_steps=${every}`,
    `train.eval_steps=${every}`,
    `train.save_total_limit=${steps}`,
    ...extra,
  ].flatMap((set) => ["--set", set]);
}

/** Poll until `probe` gives a value (every `everyMs`), or throw naming what never happened. */
export async function waitFor<T>(
  probe: () => Promise<T | undefined | false>,
  timeoutMs: number,
  what: string,
  everyMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** The highest train step the registry has streamed so far. */
export async function streamedStep(ws: string, runId: string): Promise<number> {
  const lines = await metrics(ws, runId);
  return Math.max(0, ...lines.filter((l) => l.kind === "train").map((l) => l.step));
}

/** Train and eval lines by step, for comparing two runs. */
export function lossByStep(lines: MetricLine[], kind: "train" | "eval"): Map<number, number> {
  const out = new Map<number, number>();
  for (const line of lines) {
    if (line.kind !== kind) continue;
    const value = kind === "eval" ? line.eval_loss : line.loss;
    if (typeof value === "number") out.set(line.step, value);
  }
  return out;
}

export interface Losses {
  steps: number;
  metricLines: number;
  checkpoints: number;
}

/**
 * What a recovered run lost against an uninterrupted one: train steps missing or doubled in
 * the attempt-aware view, train/eval metric lines missing, and checkpoints the reference has
 * that the recovered run's registry or bucket does not.
 */
export function lossesAgainst(
  got: MetricLine[],
  reference: MetricLine[],
  maxSteps: number,
  checkpointsGot: number[],
  checkpointsWanted: number[],
): Losses {
  const trainSteps = got.filter((l) => l.kind === "train").map((l) => l.step);
  let steps = 0;
  for (let s = 1; s <= maxSteps; s++) {
    const count = trainSteps.filter((t) => t === s).length;
    steps += count === 1 ? 0 : Math.max(1, count - 1);
  }
  const key = (l: MetricLine) => `${l.kind}:${l.step}`;
  const have = new Set(got.map(key));
  const metricLines = reference.filter(
    (l) => (l.kind === "train" || l.kind === "eval") && !have.has(key(l)),
  ).length;
  const checkpoints = checkpointsWanted.filter((s) => !checkpointsGot.includes(s)).length;
  return { steps, metricLines, checkpoints };
}

/** Checkpoint steps the registry holds with a manifest (complete copies only). */
export async function localCheckpoints(ws: string, runId: string): Promise<number[]> {
  const dir = path.join(runDir(ws, runId), "checkpoints");
  const names = await readdir(dir).catch(() => [] as string[]);
  return names
    .filter((name) => existsSync(path.join(dir, name, "manifest.json")))
    .map((name) => Number(name.replace("step-", "")))
    .sort((a, b) => a - b);
}

/** One result line per scenario in test-results/<suite>.txt, replaced when run again; also printed. */
export async function writeResult(suite: string, scenario: string, line: string): Promise<void> {
  const file = path.join(repoRoot, "test-results", `${suite}.txt`);
  await mkdir(path.dirname(file), { recursive: true });
  const previous = (await readFile(file, "utf8").catch(() => ""))
    .split("\n")
    .filter((l) => l.trim() !== "" && !l.startsWith(`${scenario} |`));
  await writeFile(file, [...previous, line].sort().join("\n") + "\n");
  console.log(line);
}

export function faultLine(scenario: string, survived: boolean, lost: Losses): string {
  return `${scenario} | survived ${survived ? "yes" : "no"} | lost: steps ${lost.steps}, metric lines ${lost.metricLines}, checkpoints ${lost.checkpoints}`;
}

export function kill(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.exitCode === null && child.signalCode === null) child.kill(signal);
}

/** The train and eval lines an uninterrupted tiny run of `tinySets(steps, every)` writes. */
export function expectedLines(steps: number, every: number): MetricLine[] {
  const lines: MetricLine[] = [];
  for (let step = 1; step <= steps; step++) {
    lines.push({ ts: 0, step, attempt: 1, kind: "train" });
    if (step % every === 0) lines.push({ ts: 0, step, attempt: 1, kind: "eval" });
  }
  return lines;
}

export const savedSteps = (steps: number, every: number) =>
  Array.from({ length: Math.floor(steps / every) }, (_, i) => (i + 1) * every);

/** Checkpoint steps whose manifest is in the bucket mirror (runs/<id>/checkpoints/). */
export async function bucketCheckpoints(tb: Testbed, runId: string): Promise<number[]> {
  const dir = bucketRunDir(tb, runId);
  const names = await readdir(path.join(dir, "checkpoints")).catch(() => [] as string[]);
  return names
    .filter((name) =>
      existsSync(path.join(dir, "checkpoints", name, "manifest.json._S3rver_object")),
    )
    .map((name) => Number(name.replace("step-", "")))
    .sort((a, b) => a - b);
}

/** Where s3rver keeps the run's mirror on disk (objects as `<key>._S3rver_object`). */
export function bucketRunDir(tb: Testbed, runId: string): string {
  return path.join(repoRoot, ".testbed", "s3", tb.s3.bucket, tb.s3.prefix, "runs", runId);
}
