import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { workspaceSchema, type Workspace } from "../config/index.js";
import {
  FakeHostPool,
  FakeRemoteHost,
  LocalHost,
  fakeHostConfig,
  type ExecOptions,
  type ExecResult,
} from "../hosts/index.js";
import { ManualClock, RecordingReporter } from "../report/index.js";
import { RunRegistry, walkToRunning, type RunRecord } from "../runs/index.js";
import { LocalObjectStore } from "../storage/index.js";
import { FakeContainerRuntime } from "./fake-container-runtime.js";
import { hostLayout } from "./host-layout.js";
import type { StagedDataset } from "./launch-attempt.js";
import type { LaunchDeps } from "./launch-deps.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
/** The GPU stand-in of the testbed: the one thing a unit test cannot have is a GPU. */
const nvidiaSmiStandIn = path.join(repoRoot, "scripts/testbed/nvidia-smi");

export const fakeFingerprint = "0".repeat(64);

/** The recorded experiment of fake runs (config.yaml), with a retry policy. */
export function fakeExperimentYaml(retry: Record<string, unknown> = {}, gpus = 1): string {
  return `${JSON.stringify({
    name: "fake",
    model: { base: "builtin:tiny" },
    data: { train: [{ path: "data.jsonl", format: "alpaca" }] },
    train: { max_steps: 10 },
    resources: { gpus, hosts: ["h1", "h2"] },
    retry: {
      max_restarts: 2,
      on: ["failed", "lost"],
      backoff: { initial_s: 1, factor: 2, max_s: 4 },
      ...retry,
    },
  })}\n`;
}

export interface FakeLaunchKit {
  root: string;
  deps: LaunchDeps;
  registry: RunRegistry;
  runtime: FakeContainerRuntime;
  clock: ManualClock;
  reporter: RecordingReporter;
  pool: FakeHostPool;
  hosts: Record<"h1" | "h2", FakeRemoteHost>;
  dataset: StagedDataset;
  /** Launcher pids to report dead (a tunectl killed mid-launch). */
  deadLaunchers: Set<number>;
  /** A new run (pending), its config.yaml the fake experiment. */
  newRun(retry?: Record<string, unknown>, gpus?: number): Promise<RunRecord>;
  /** A new run walked to running on `host` with the fake runtime's handle. */
  runningRun(host?: "h1" | "h2", retry?: Record<string, unknown>): Promise<RunRecord>;
  /** Leases held on a host, by GPU index -> run id. */
  leases(host: "h1" | "h2"): Promise<Record<number, string>>;
  cleanup(): Promise<void>;
}

/**
 * LaunchDeps built from the fakes beside each port: the fake container runtime, a manual clock,
 * a recording reporter, a local object store, the registry over a temp dir, and two hosts that
 * are LocalHosts over temp workdirs behind FakeRemoteHost (so a test can cut them); the probe's
 * runtime check is answered by the fake (no docker daemon), GPUs come from the testbed's
 * nvidia-smi stand-in, and leases, run directories and scripts run for real.
 */
export async function fakeLaunchKit(gpusPerHost = 2): Promise<FakeLaunchKit> {
  const root = await mkdtemp(path.join(os.tmpdir(), "tunectl-launch-"));
  const bin = path.join(root, "bin");
  await mkdir(bin);
  await symlink(nvidiaSmiStandIn, path.join(bin, "nvidia-smi"));
  const gpuList = path.join(root, "gpus.csv");
  const line = (i: number) => `${i},GPU-fake-${i},NVIDIA A100-SXM4-80GB,81920,0,0,30,60.00`;
  await writeFile(
    gpuList,
    Array.from({ length: gpusPerHost }, (_, i) => line(i)).join("\n") + "\n",
  );
  const env = {
    ...process.env,
    PATH: `${bin}:${process.env.PATH ?? ""}`,
    TUNECTL_FAKE_GPU_LIST: gpuList,
  };

  const make = (name: "h1" | "h2") =>
    new FakeRemoteHost(name, new FakeDockerLocalHost(name, root, env));
  const hosts = { h1: make("h1"), h2: make("h2") };
  const configs = (name: string) =>
    fakeHostConfig(name, { workdir: path.join(root, "hosts", name) });
  const pool = new FakeHostPool([
    { host: hosts.h1, config: configs("h1") },
    { host: hosts.h2, config: configs("h2") },
  ]);
  const runtime = new FakeContainerRuntime("docker");
  const clock = new ManualClock();
  const reporter = new RecordingReporter();
  const registry = new RunRegistry(path.join(root, ".tunectl"), clock);
  const store = new LocalObjectStore(path.join(root, "store"));
  const workspace: Workspace = {
    root,
    stateDir: path.join(root, ".tunectl"),
    config: workspaceSchema.parse({ storage: path.join(root, "store") }),
  };
  const deadLaunchers = new Set<number>();
  const deps: LaunchDeps = {
    workspace,
    registry,
    hosts: pool,
    store: async () => store,
    runtime: () => runtime,
    reporter,
    clock,
    launcher: { pid: 4242, machine: "fake" },
    launcherAlive: (launcher) => !deadLaunchers.has(launcher.pid),
    env: {},
  };
  // The hosts' dataset caches already hold the staged data: nothing is fetched.
  for (const name of ["h1", "h2"]) {
    const dir = hostLayout(path.join(root, "hosts", name), "x").dataset(fakeFingerprint);
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, ".complete"), "");
  }
  await store.put(`datasets/${fakeFingerprint}/manifest.json`, JSON.stringify({ files: [] }));
  const dataset: StagedDataset = {
    fingerprint: fakeFingerprint,
    prefix: `datasets/${fakeFingerprint}/`,
    files: [],
  };

  const newRun = async (retry?: Record<string, unknown>, gpus = 1) =>
    registry.create({
      name: "fake",
      configYaml: fakeExperimentYaml(retry, gpus),
      model: "builtin:tiny",
      image: "img",
      gpus_requested: gpus,
    });
  return {
    root,
    deps,
    registry,
    runtime,
    clock,
    reporter,
    pool,
    hosts,
    dataset,
    deadLaunchers,
    newRun,
    async runningRun(host = "h1", retry) {
      const run = await newRun(retry);
      await registry.apply(run.id, { type: "staging_started", attempt: 1 });
      await registry.apply(run.id, {
        type: "dataset_staged",
        attempt: 1,
        dataset: {
          fingerprint: fakeFingerprint,
          uri: "datasets/x/",
          train_records: 1,
          eval_records: 0,
        },
      });
      const handle = runtime.handleFor(run.id, 1);
      await runtime.start(hosts[host], { runId: run.id, attempt: 1 } as never);
      runtime.calls.length = 0;
      return walkToRunning(
        registry,
        run.id,
        {
          host,
          gpus: [],
          runtime: "docker",
          host_dir: hostLayout(path.join(root, "hosts", host), run.id).runDir,
        },
        handle,
      );
    },
    async leases(host) {
      const result = await hosts[host].script(
        `for d in "$1"/leases/gpu-*; do [ -d "$d" ] && echo "\${d##*-} $(head -n 1 "$d/holder")"; done; true`,
        [path.join(root, "hosts", host)],
      );
      return Object.fromEntries(
        result.stdout
          .trim()
          .split("\n")
          .filter(Boolean)
          .map((l) => l.split(" "))
          .map(([gpu, run]) => [Number(gpu), run!]),
      );
    },
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
}

/** A LocalHost whose docker answers `docker version` as a server would: the runtime itself is the fake. */
class FakeDockerLocalHost extends LocalHost {
  override script(script: string, args?: string[], options?: ExecOptions): Promise<ExecResult> {
    return super.script(
      script.replace("docker version --format '{{.Server.Version}}' 2>&1", "echo 27.0.0"),
      args,
      options,
    );
  }
}
