// Where every testbed part lives: paths, names and addresses, in one place.
import { createHash } from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const root = path.join(repoRoot, ".testbed");
export const statePath = path.join(root, "state.json");
export const workspaceDir = path.join(root, "workspace");
export const keysDir = path.join(root, "keys");
export const clientKey = path.join(keysDir, "id_ed25519");
export const logsDir = path.join(root, "logs");

// Survives fresh clones on the same machine: debootstrap tarballs, image exports.
export const cacheDir = process.env.TUNECTL_TESTBED_CACHE ?? "/var/cache/tunectl-testbed";
// Machine-wide runtime state: one testbed per machine owns the subnet and namespace names.
export const runDir = "/run/tunectl-tb";
export const ownerPath = path.join(runDir, "owner.json");

export const subnet = { prefix: "10.213.7", bits: 24 };
export const bridge = { name: "tbr0", address: `${subnet.prefix}.1` };

export const s3 = {
  address: bridge.address,
  port: 4569,
  bucket: "tunectl-testbed",
  prefix: "tunectl",
  region: "us-east-1",
  accessKeyId: "S3RVER",
  secretAccessKey: "S3RVER",
  directory: path.join(root, "s3"),
  pidFile: path.join(root, "pids", "s3rver.pid"),
  logFile: path.join(logsDir, "s3rver.log"),
};
s3.endpoint = `http://${s3.address}:${s3.port}`;

const dockerDir = path.join(root, "docker");
const socketInTree = path.join(dockerDir, "docker.sock");
// A unix socket path must fit in 108 bytes; a deep clone falls back to a short path.
const socket =
  socketInTree.length < 100
    ? socketInTree
    : path.join(
        runDir,
        createHash("sha256").update(root).digest("hex").slice(0, 12),
        "docker.sock",
      );

export const docker = {
  dir: dockerDir,
  dataRoot: path.join(dockerDir, "data"),
  execRoot: path.join(runDir, "exec"),
  socket,
  host: `unix://${socket}`,
  pidFile: path.join(dockerDir, "dockerd.pid"),
  logFile: path.join(logsDir, "dockerd.log"),
};

export const image = {
  trainer: "tunectl-trainer:cpu",
  baseRepo: "tunectl-base",
  suite: "bookworm",
  variant: "minbase",
  mirror: process.env.TUNECTL_TESTBED_MIRROR ?? "http://deb.debian.org/debian",
  dockerfile: path.join(repoRoot, "Dockerfile"),
  trainerDir: path.join(repoRoot, "scripts", "trainer"),
  fallbackDir: path.join(root, "image"),
};

export const fakeNvidiaSmi = path.join(repoRoot, "scripts", "testbed", "nvidia-smi");

/** Everything about host number n (1-based). */
export function hostLayout(n) {
  const name = `h${n}`;
  const dir = path.join(root, "hosts", name);
  return {
    name,
    index: n,
    netns: `tb-${name}`,
    vethRoot: `tbv-${name}`,
    vethHost: "eth0",
    address: `${subnet.prefix}.${10 + n}`,
    dir,
    workdir: path.join(dir, "work"),
    binDir: path.join(dir, "bin"),
    gpuList: path.join(dir, "gpus.csv"),
    sshdConfig: path.join(dir, "sshd_config"),
    hostKey: path.join(dir, "ssh_host_ed25519_key"),
    sshdPidFile: path.join(dir, "sshd.pid"),
    sshdLog: path.join(logsDir, `sshd-${name}.log`),
  };
}

export const defaultHosts = 3;
export const defaultGpus = { h3: 1 };
export const maxHosts = 200;
