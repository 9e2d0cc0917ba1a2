// A private copy of the testbed workspace per test file, and the built CLI driven in it as a
// user would: exit code, stdout, stderr; run records read back from .tunectl/runs/.
import { spawn } from "node:child_process";
import { copyFile, mkdtemp, readFile, readdir, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parse, stringify } from "yaml";
import { loadTestbed, repoRoot, type Testbed } from "../setup/testbed.js";

export const bin = path.join(repoRoot, "bin", "tunectl.js");
export const tinyConfig = path.join(repoRoot, "configs", "tiny-cpu.yaml");
/** A short run: two checkpoints, two evals. */
export const shortRun = [
  "--set",
  "train.max_steps=6",
  "--set",
  "train.save_steps=3",
  "--set",
  "train.eval_steps=3",
];

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunJson {
  id: string;
  state: string;
  description?: string;
  cancel_requested_at?: string;
  attempts: {
    n: number;
    state: string;
    host?: string;
    runtime?: string;
    gpus: number[];
    host_dir?: string;
    handle?: string;
    exit_code?: number;
    final_step?: number;
    error?: { code: string; message: string };
    started_at?: string;
    ended_at?: string;
    reason?: string;
    resume_from?: { step: number; path: string } | null;
    scheduler?: { state: string; reason?: string };
  }[];
  dataset?: { fingerprint: string };
}

interface WorkspaceYaml {
  hosts: { name: string; runtime: string; python?: string }[];
  [key: string]: unknown;
}

export interface LaunchWorkspace {
  dir: string;
  testbed: Testbed;
  tunectl(
    args: string[],
    opts?: { timeoutMs?: number; env?: Record<string, string> },
  ): Promise<CliResult>;
  runs(): Promise<RunJson[]>;
  run(id: string): Promise<RunJson>;
}

/**
 * A fresh workspace: the testbed's tunectl.yaml (hosts possibly edited; with `slurm`, the one
 * that also has the Slurm login host) and known_hosts, so runs, caches and `ps` of one test
 * file never see another's.
 */
export async function launchWorkspace(
  edit: (yaml: WorkspaceYaml) => void = () => {},
  options: { slurm?: boolean } = {},
): Promise<LaunchWorkspace> {
  const testbed = loadTestbed();
  const source = options.slurm ? testbed.slurmTunectlYaml : testbed.tunectlYaml;
  if (!source) throw new Error("the testbed's Slurm is not up: ensureSlurm() first");
  const dir = await mkdtemp(path.join(os.tmpdir(), "tunectl-launch-"));
  const yaml = parse(await readFile(source, "utf8")) as WorkspaceYaml;
  edit(yaml);
  await writeFile(path.join(dir, "tunectl.yaml"), stringify(yaml));
  await copyFile(testbed.knownHosts, path.join(dir, "known_hosts"));
  const runsDir = path.join(dir, ".tunectl", "runs");
  const read = async (id: string) =>
    JSON.parse(await readFile(path.join(runsDir, id, "run.json"), "utf8")) as RunJson;
  return {
    dir,
    testbed,
    tunectl: (args, opts = {}) =>
      cli(args, dir, { ...testbed.env(), ...(opts.env ?? {}) }, opts.timeoutMs ?? 240_000),
    run: read,
    async runs() {
      const ids = await readdir(runsDir).catch(() => [] as string[]);
      return Promise.all(ids.map(read));
    },
  };
}

/** `node bin/tunectl.js ARGS` in `cwd`, bounded in time; never rejects. */
export function cli(
  args: string[],
  cwd: string,
  env: Record<string, string>,
  timeoutMs: number,
): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd,
      env: { ...process.env, ...env, NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The run id printed by `run --detach --json`. */
export function detachedId(result: CliResult): string {
  return (JSON.parse(result.stdout) as { run: string }).run;
}

export const activeStates = ["pending", "staging", "placing", "launching", "running", "stopping"];

/** Run ids holding GPU leases on a host (`<workdir>/leases/gpu-<i>/holder`, first line). */
export async function leaseHolders(testbed: Testbed, host: string): Promise<string[]> {
  const dir = path.posix.join(testbed.host(host).workdir, "leases");
  const result = await testbed.ssh(
    host,
    `for f in ${dir}/gpu-*/holder; do [ -f "$f" ] && head -n 1 "$f"; done; true`,
  );
  return result.stdout.split("\n").filter(Boolean);
}

/**
 * Leases on `host` held by runs of this workspace (other workspaces may share the testbed's
 * GPUs at the same time, so only our own runs' leases are ours to judge).
 */
export async function ourLeases(ws: LaunchWorkspace, host: string): Promise<string[]> {
  const ours = new Set((await ws.runs()).map((run) => run.id));
  return (await leaseHolders(ws.testbed, host)).filter((holder) => ours.has(holder));
}
