// The testbed's verbs: up, down, status and the fault injectors. The CLI only parses and prints.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  bridge,
  clientKey,
  defaultGpus,
  docker,
  hostLayout,
  logsDir,
  repoRoot,
  root,
  s3,
  subnet,
} from "./layout.mjs";
import { dockerAnswers, dockerPid, startDocker, stopDocker } from "./docker-engine.mjs";
import { configureFakeGpus } from "./fake-gpus.mjs";
import * as network from "./network.mjs";
import { ensurePackages } from "./packages.mjs";
import { run, stopPid } from "./proc.mjs";
import { s3Answers, s3Pid, startS3, stopS3 } from "./s3-server.mjs";
import {
  ensureClientKey,
  hostPublicKey,
  sshdAnswers,
  sshdPid,
  startSshd,
  stopSshd,
  writeHostFiles,
} from "./sshd.mjs";
import {
  readState,
  recordedProcesses,
  releaseOwnership,
  takeOwnership,
  writeState,
} from "./state.mjs";
import {
  ensureSlurmPackages,
  slurm,
  slurmPids,
  startSlurm,
  stopSlurm,
  stopSlurmd,
  failSlurmNode,
} from "./slurm.mjs";
import { ensureTrainerImage, trainerImagePresent } from "./trainer-image.mjs";
import { workspaceFiles, writeWorkspace } from "./workspace.mjs";

const serveScript = path.join(path.dirname(fileURLToPath(import.meta.url)), "s3-serve.mjs");

function requireRoot() {
  if (process.getuid?.() !== 0)
    throw new Error("the testbed needs root (network namespaces, sshd, dockerd)");
}

function hostsFromState() {
  const state = readState();
  if (!state) throw new Error("the testbed is not up: run `npm run testbed -- up`");
  return state.hosts.map((h) => hostLayout(Number(h.name.slice(1))));
}

function hostByName(name) {
  const h = hostsFromState().find((x) => x.name === name);
  if (!h)
    throw new Error(
      `unknown testbed host "${name}"; hosts: ${hostsFromState()
        .map((x) => x.name)
        .join(", ")}`,
    );
  return h;
}

function describe(hosts, gpus, imageInfo, withSlurm) {
  return {
    version: 1,
    root,
    repoRoot,
    workspace: workspaceFiles,
    keys: { identityFile: clientKey, publicKey: `${clientKey}.pub` },
    network: {
      bridge: bridge.name,
      address: bridge.address,
      subnet: `${subnet.prefix}.0/${subnet.bits}`,
    },
    hosts: hosts.map((h) => ({
      name: h.name,
      address: h.address,
      port: 22,
      user: "root",
      netns: h.netns,
      veth: h.vethRoot,
      dir: h.dir,
      workdir: h.workdir,
      binDir: h.binDir,
      gpus: gpus[h.name] ?? 0,
      gpuList: gpus[h.name] ? h.gpuList : null,
      sshd: {
        pid: sshdPid(h) ?? null,
        config: h.sshdConfig,
        pidFile: h.sshdPidFile,
        hostKey: h.hostKey,
        hostPublicKey: hostPublicKey(h),
      },
    })),
    docker: { ...docker, pid: dockerPid() ?? null },
    s3: { ...s3, pid: s3Pid() ?? null, serveScript },
    image: imageInfo,
    slurm: withSlurm ? slurmState() : null,
  };
}

function slurmState() {
  return {
    conf: slurm.conf,
    mungeKey: slurm.mungeKey,
    sharedDir: slurm.sharedDir,
    controller: slurm.controller,
    loginHost: slurm.controller,
    nodes: slurm.nodes,
    partitions: slurm.partitions,
    pids: slurmPids(),
  };
}

async function sshCheck(h) {
  const { code, stderr } = await run(
    "ssh",
    ["-F", workspaceFiles.sshConfig, "-o", "BatchMode=yes", h.name, "true"],
    { allowFail: true, timeoutMs: 15_000 },
  );
  if (code !== 0) throw new Error(`ssh to ${h.name} failed after up: ${stderr.trim()}`);
}

export async function up({
  hosts: count = 3,
  gpus = defaultGpus,
  image: withImage = true,
  slurm: withSlurm = false,
  log,
}) {
  requireRoot();
  const started = Date.now();
  if (withSlurm && count < 3)
    throw new Error("--slurm needs at least 3 hosts (h1 controls, h2 and h3 compute)");
  await ensurePackages(log);
  if (withSlurm) await ensureSlurmPackages();
  await takeOwnership(log);
  fs.mkdirSync(logsDir, { recursive: true });
  const hosts = Array.from({ length: count }, (_, i) => hostLayout(i + 1));

  // Namespaces beyond this size, or left by an earlier run that died, go first.
  for (const ns of await network.listNamespaces()) {
    if (network.isTestbedNamespace(ns) && !hosts.some((h) => h.netns === ns)) {
      const stale = hostLayout(Number(ns.slice(4)));
      await stopSshd(stale);
      await network.removeHostNet(stale);
    }
  }
  await ensureClientKey();
  await network.ensureBridge();
  for (const h of hosts) {
    await writeHostFiles(h);
    if (!(await network.hostNetHealthy(h))) {
      await stopSshd(h);
      await network.createHostNet(h);
    } else if ((await network.linkState(h)) === "cut") {
      await network.restoreHost(h);
    }
    configureFakeGpus(h, gpus[h.name] ?? 0);
  }
  await Promise.all([Promise.all(hosts.map((h) => startSshd(h))), startS3(), startDocker(log)]);
  let imageInfo = { name: null, built: false };
  if (withImage) imageInfo = await ensureTrainerImage(log);
  // Slurm stays up across a later `up` without --slurm (tests that do not need it pay nothing).
  const slurmUp = withSlurm || readState()?.slurm != null;
  let slurmSeconds;
  if (slurmUp) {
    const t = Date.now();
    const byName = (name) => hosts.find((h) => h.name === name);
    await startSlurm(byName);
    slurmSeconds = (Date.now() - t) / 1000;
  }
  writeWorkspace(hosts, imageInfo.name ?? "tunectl-trainer:cpu", slurmUp ? slurm : undefined);
  writeState(describe(hosts, gpus, imageInfo, slurmUp));
  await Promise.all(hosts.map(sshCheck));
  return {
    seconds: (Date.now() - started) / 1000,
    hosts: hosts.length,
    image: imageInfo,
    slurmSeconds,
  };
}

export async function down({ log }) {
  requireRoot();
  const state = readState();
  await stopSlurm();
  for (const p of recordedProcesses(state)) await stopPid(p.pid, p.marker, { graceMs: 10_000 });
  for (const ns of await network.listNamespaces()) {
    if (!network.isTestbedNamespace(ns)) continue;
    const h = hostLayout(Number(ns.slice(4)));
    await stopSshd(h);
    await network.removeHostNet(h);
  }
  for (const h of (state?.hosts ?? []).map((x) => hostLayout(Number(x.name.slice(1))))) {
    await network.removeHostNet(h);
  }
  await network.removeBridge();
  await Promise.all([stopS3(), stopDocker()]);
  fs.rmSync(path.join(root, "state.json"), { force: true });
  releaseOwnership();
  log("testbed down (caches kept)");
}

export async function status() {
  const state = readState();
  if (!state) return { up: false, hosts: [] };
  const hosts = await Promise.all(
    state.hosts.map(async (recorded) => {
      const h = hostLayout(Number(recorded.name.slice(1)));
      return {
        name: h.name,
        address: h.address,
        link: await network.linkState(h),
        sshd: { pid: sshdPid(h) ?? null, answering: await sshdAnswers(h) },
        gpus: recorded.gpus,
        workdir: h.workdir,
      };
    }),
  );
  return {
    up: true,
    hosts,
    docker: { pid: dockerPid() ?? null, answering: await dockerAnswers(), host: docker.host },
    s3: {
      pid: s3Pid() ?? null,
      answering: await s3Answers(),
      endpoint: s3.endpoint,
      bucket: s3.bucket,
    },
    image: { name: state.image?.name ?? null, present: await trainerImagePresent() },
    workspace: state.workspace.dir,
    slurm: state.slurm ? { ...state.slurm, pids: slurmPids() } : null,
  };
}

async function refreshPids() {
  const state = readState();
  if (!state) return;
  for (const h of state.hosts) h.sshd.pid = sshdPid(hostLayout(Number(h.name.slice(1)))) ?? null;
  state.s3.pid = s3Pid() ?? null;
  state.docker.pid = dockerPid() ?? null;
  if (state.slurm) state.slurm.pids = slurmPids();
  writeState(state);
}

export const faults = {
  cut: async (name) => network.cutHost(hostByName(name)),
  restore: async (name) => network.restoreHost(hostByName(name)),
  "stop-sshd": async (name) => (await stopSshd(hostByName(name)), await refreshPids()),
  "start-sshd": async (name) => (await startSshd(hostByName(name)), await refreshPids()),
  "stop-s3": async () => (hostsFromState(), await stopS3(), await refreshPids()),
  "start-s3": async () => (hostsFromState(), await startS3(), await refreshPids()),
  "stop-slurmd": async (name) => (hostByName(name), await stopSlurmd(name), await refreshPids()),
  "fail-node": async (name) => (
    await failSlurmNode(name, hostByName(name).netns),
    await refreshPids()
  ),
  "start-slurmd": async (name) => {
    const byName = (n) => hostByName(n);
    hostByName(name);
    await startSlurm(byName);
    await refreshPids();
  },
};
