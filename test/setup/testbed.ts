// What integration tests know about the testbed: read from .testbed/state.json, plus the fault verbs.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const cliPath = path.join(repoRoot, "scripts/testbed/cli.mjs");
const statePath = path.join(repoRoot, ".testbed/state.json");

export interface TestbedHost {
  name: string;
  address: string;
  port: number;
  user: string;
  netns: string;
  /** The host's own workdir (absolute); hosts never share one in tunectl's eyes. */
  workdir: string;
  /** First entry of PATH in the host's SSH sessions; holds the nvidia-smi stand-in if any. */
  binDir: string;
  /** Number of fake GPUs the nvidia-smi stand-in reports on this host. */
  gpus: number;
  gpuList: string | null;
}

export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export interface Testbed {
  workspaceDir: string;
  tunectlYaml: string;
  /** With Slurm up: the same workspace plus the login host `slurm` (kept apart, see workspace.mjs). */
  slurmTunectlYaml: string | null;
  sshConfig: string;
  knownHosts: string;
  identityFile: string;
  hosts: TestbedHost[];
  host(name: string): TestbedHost;
  s3: {
    endpoint: string;
    bucket: string;
    prefix: string;
    region: string;
    accessKeyId: string;
    secretAccessKey: string;
  };
  docker: { host: string; socket: string };
  image: string;
  /** AWS credentials/region of the S3 server and DOCKER_HOST of the engine; merge into a child's env. */
  env(): Record<string, string>;
  /** Options for `new S3Client(...)` that reach the testbed's S3 server. */
  s3ClientConfig(): {
    endpoint: string;
    region: string;
    forcePathStyle: true;
    credentials: { accessKeyId: string; secretAccessKey: string };
  };
  ssh(host: string, command: string, opts?: { timeoutMs?: number }): Promise<CommandResult>;
  cut(host: string): Promise<void>;
  restore(host: string): Promise<void>;
  stopSshd(host: string): Promise<void>;
  startSshd(host: string): Promise<void>;
  stopS3(): Promise<void>;
  startS3(): Promise<void>;
  /** A Slurm node dies: its slurmd and its jobs' processes killed (`fail-node`). */
  failSlurmNode(host: string): Promise<void>;
  startSlurmd(host: string): Promise<void>;
}

/** Run a command, bounded: killed after timeoutMs, never rejects. */
export function runCommand(
  cmd: string,
  args: string[],
  opts: { timeoutMs?: number; env?: NodeJS.ProcessEnv; echoStderr?: boolean } = {},
): Promise<CommandResult> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  return new Promise((resolve) => {
    const child = spawn(cmd, args, {
      env: opts.env ?? process.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => {
      stderr += d;
      if (opts.echoStderr) process.stderr.write(d);
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.on("error", (err) => {
      clearTimeout(timer);
      resolve({ code: null, stdout, stderr: `${stderr}${err.message}`, timedOut });
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, timedOut });
    });
  });
}

/** `npm run testbed -- ARGS`, throwing with the testbed's own words on failure. */
export async function testbedCli(
  args: string[],
  timeoutMs = 120_000,
  echoStderr = false,
): Promise<string> {
  const result = await runCommand(process.execPath, [cliPath, ...args], { timeoutMs, echoStderr });
  if (result.code !== 0) {
    const why = result.timedOut ? `timed out after ${timeoutMs} ms` : `exit ${result.code}`;
    throw new Error(`testbed ${args.join(" ")}: ${why}\n${result.stderr}`);
  }
  return result.stdout;
}

/** The testbed's Slurm cluster (`up --slurm`): controller and login host h1, nodes h2 and h3. */
export interface TestbedSlurm {
  conf: string;
  sharedDir: string;
  loginHost: string;
  nodes: string[];
  partitions: string[];
}

/**
 * Slurm on demand: brought up (idempotently, on the running testbed) by the test files that
 * need it, so the rest of the suite never pays for it; `down` after the suite stops it too.
 */
export async function ensureSlurm(): Promise<TestbedSlurm> {
  const state = JSON.parse(readFileSync(statePath, "utf8")) as StateFile;
  if (!state.slurm) {
    await testbedCli(["up", "--slurm", "--hosts", String(state.hosts.length)], 900_000, true);
  }
  return (JSON.parse(readFileSync(statePath, "utf8")) as StateFile).slurm!;
}

interface StateFile {
  slurm?: TestbedSlurm | null;
  workspace: {
    dir: string;
    tunectlYaml: string;
    slurmTunectlYaml: string;
    sshConfig: string;
    knownHosts: string;
  };
  keys: { identityFile: string };
  hosts: TestbedHost[];
  s3: Testbed["s3"];
  docker: { host: string; socket: string };
  image: { name: string | null };
}

export function loadTestbed(): Testbed {
  let state: StateFile;
  try {
    state = JSON.parse(readFileSync(statePath, "utf8")) as StateFile;
  } catch (err) {
    throw new Error(`testbed is not up (no ${statePath}): run \`npm run testbed -- up\``, {
      cause: err,
    });
  }
  const { s3 } = state;
  const sshConfig = state.workspace.sshConfig;
  return {
    workspaceDir: state.workspace.dir,
    tunectlYaml: state.workspace.tunectlYaml,
    slurmTunectlYaml: state.slurm ? state.workspace.slurmTunectlYaml : null,
    sshConfig,
    knownHosts: state.workspace.knownHosts,
    identityFile: state.keys.identityFile,
    hosts: state.hosts,
    host(name) {
      const h = state.hosts.find((x) => x.name === name);
      if (!h) throw new Error(`no testbed host ${name}`);
      return h;
    },
    s3: {
      endpoint: s3.endpoint,
      bucket: s3.bucket,
      prefix: s3.prefix,
      region: s3.region,
      accessKeyId: s3.accessKeyId,
      secretAccessKey: s3.secretAccessKey,
    },
    docker: { host: state.docker.host, socket: state.docker.socket },
    image: state.image.name ?? "tunectl-trainer:cpu",
    env: () => ({
      AWS_ACCESS_KEY_ID: s3.accessKeyId,
      AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
      AWS_REGION: s3.region,
      DOCKER_HOST: state.docker.host,
    }),
    s3ClientConfig: () => ({
      endpoint: s3.endpoint,
      region: s3.region,
      forcePathStyle: true,
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    }),
    ssh(host, command, opts = {}) {
      const timeoutMs = opts.timeoutMs ?? 30_000;
      const connectTimeout = String(Math.max(1, Math.ceil(timeoutMs / 1000)));
      const args = [
        "-F",
        sshConfig,
        "-o",
        "BatchMode=yes",
        "-o",
        `ConnectTimeout=${connectTimeout}`,
        host,
        command,
      ];
      return runCommand("ssh", args, { timeoutMs });
    },
    cut: async (host) => void (await testbedCli(["cut", host])),
    restore: async (host) => void (await testbedCli(["restore", host])),
    stopSshd: async (host) => void (await testbedCli(["stop-sshd", host])),
    startSshd: async (host) => void (await testbedCli(["start-sshd", host])),
    stopS3: async () => void (await testbedCli(["stop-s3"])),
    startS3: async () => void (await testbedCli(["start-s3"])),
    failSlurmNode: async (host) => void (await testbedCli(["fail-node", host])),
    startSlurmd: async (host) => void (await testbedCli(["start-slurmd", host])),
  };
}
