// The CPU trainer image, built with no registry: debootstrap -> docker import -> docker build --target cpu,
// with the Python wheels of scripts/trainer/requirements.lock fetched by this machine's pip
// (`pip download`, once per lock) and put in the build context as wheels/.
import { createHash } from "node:crypto";
import { lookup } from "node:dns/promises";
import fs from "node:fs";
import path from "node:path";
import { cacheDir, image, logsDir, repoRoot } from "./layout.mjs";
import { dockerEnv } from "./docker-engine.mjs";
import { run, spawnDetached } from "./proc.mjs";

const HASH_LABEL = "tunectl.testbed.hash";
const sha = (data) => createHash("sha256").update(data).digest("hex");

// Used only until the project's Dockerfile exists; same shape as its cpu stage.
const FALLBACK_DOCKERFILE = `ARG BASE
FROM \${BASE} AS cpu
RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3 python3-venv && rm -rf /var/lib/apt/lists/*
COPY wheels /tmp/wheels
COPY scripts/trainer /opt/tunectl/trainer
RUN python3 -m venv /opt/venv && /opt/venv/bin/pip install --no-index --find-links /tmp/wheels --require-hashes -r /opt/tunectl/trainer/requirements.lock && rm -rf /tmp/wheels
ENV PYTHONPATH=/opt/tunectl PATH=/opt/venv/bin:$PATH
ENTRYPOINT ["python3", "-m", "trainer"]
`;

const lockFile = () => path.join(image.trainerDir, "requirements.lock");

/**
 * `--retries 0` when pip's primary index does not resolve (the packages come from find-links or
 * an extra index): pip would otherwise retry it five times per package, minutes in all.
 */
async function retriesFlag(log) {
  const configured = await run("python3", ["-m", "pip", "config", "get", "global.index-url"], {
    allowFail: true,
  });
  const index =
    process.env.PIP_INDEX_URL ||
    (configured.code === 0 && configured.stdout.trim()) ||
    "https://pypi.org/simple";
  const url = URL.canParse(index) ? new URL(index) : null;
  if (!url || !url.protocol.startsWith("http")) return [];
  const resolved = await Promise.race([
    lookup(url.hostname).then(
      () => true,
      () => false,
    ),
    new Promise((resolve) => setTimeout(() => resolve(false), 10_000).unref()),
  ]);
  if (resolved) return [];
  log(
    `the package index ${index} does not resolve: pip asks it once per package instead of retrying`,
  );
  return ["--retries", "0"];
}

/** The lock's wheels, downloaded once per lock content into the cache. */
async function ensureWheels(log) {
  const lockHash = sha(fs.readFileSync(lockFile())).slice(0, 16);
  const dir = path.join(cacheDir, `wheels-${lockHash}`);
  if (fs.existsSync(path.join(dir, ".complete"))) return dir;
  fs.mkdirSync(cacheDir, { recursive: true });
  fs.rmSync(`${dir}.tmp`, { recursive: true, force: true });
  log(`pip download -r requirements.lock (once per lock, cached in ${cacheDir})`);
  const pip = [
    "-m",
    "pip",
    "download",
    "--no-deps",
    "--require-hashes",
    "--quiet",
    ...(await retriesFlag(log)),
  ];
  await run("python3", [...pip, "-r", lockFile(), "-d", `${dir}.tmp`], { timeoutMs: 1_800_000 });
  fs.writeFileSync(path.join(`${dir}.tmp`, ".complete"), "");
  fs.renameSync(`${dir}.tmp`, dir);
  return dir;
}

function linkWheels(wheels, context) {
  const into = path.join(context, "wheels");
  fs.mkdirSync(into, { recursive: true });
  for (const name of fs.readdirSync(wheels).filter((n) => n.endsWith(".whl"))) {
    try {
      fs.linkSync(path.join(wheels, name), path.join(into, name));
    } catch {
      fs.copyFileSync(path.join(wheels, name), path.join(into, name));
    }
  }
}

const docker = (args, opts = {}) => run("docker", args, { env: dockerEnv(), ...opts });

async function imageLabel(ref) {
  const { code, stdout } = await docker(
    ["image", "inspect", "--format", `{{index .Config.Labels "${HASH_LABEL}"}}`, ref],
    {
      allowFail: true,
    },
  );
  return code === 0 ? stdout.trim() : undefined;
}

export function baseImageName() {
  const params = {
    suite: image.suite,
    variant: image.variant,
    mirror: image.mirror,
    arch: process.arch,
    v: 1,
  };
  return `${image.baseRepo}:${image.suite}-${sha(JSON.stringify(params)).slice(0, 16)}`;
}

async function ensureRootfsTarball(tarball, log) {
  if (fs.existsSync(tarball)) return;
  fs.mkdirSync(cacheDir, { recursive: true });
  const rootfs = `${tarball}.rootfs`;
  fs.rmSync(rootfs, { recursive: true, force: true });
  log(
    `debootstrap --variant=${image.variant} ${image.suite} (once per machine, cached in ${cacheDir})`,
  );
  await run("debootstrap", [`--variant=${image.variant}`, image.suite, rootfs, image.mirror], {
    timeoutMs: 900_000,
  });
  await run("rm", ["-rf", `${rootfs}/var/cache/apt/archives`, `${rootfs}/var/lib/apt/lists`]);
  fs.mkdirSync(`${rootfs}/var/cache/apt/archives/partial`, { recursive: true });
  fs.mkdirSync(`${rootfs}/var/lib/apt/lists/partial`, { recursive: true });
  await run("tar", ["-C", rootfs, "-cf", `${tarball}.tmp`, "."], { timeoutMs: 300_000 });
  fs.renameSync(`${tarball}.tmp`, tarball);
  fs.rmSync(rootfs, { recursive: true, force: true });
}

export async function ensureBaseImage(log) {
  const name = baseImageName();
  const { code } = await docker(["image", "inspect", name], { allowFail: true });
  if (code === 0) return name;
  const tarball = path.join(cacheDir, `rootfs-${name.split(":")[1]}.tar`);
  await ensureRootfsTarball(tarball, log);
  log(`docker import ${path.basename(tarball)} as ${name}`);
  await docker(["import", tarball, name], { timeoutMs: 300_000 });
  return name;
}

function listFiles(dir, rel = "") {
  if (!fs.existsSync(path.join(dir, rel))) return [];
  return fs
    .readdirSync(path.join(dir, rel), { withFileTypes: true })
    .filter((e) => !["__pycache__", ".pytest_cache"].includes(e.name) && !e.name.endsWith(".pyc"))
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((e) =>
      e.isDirectory() ? listFiles(dir, path.join(rel, e.name)) : [path.join(rel, e.name)],
    );
}

/** Repo paths the Dockerfile COPYs or ADDs (not from other stages), plus scripts/trainer. */
function copiedPaths(dockerfile) {
  const paths = new Set([path.relative(repoRoot, image.trainerDir)]);
  for (const line of dockerfile.replace(/\\\n/g, " ").split("\n")) {
    const m = /^\s*(COPY|ADD)\s+(.*)$/i.exec(line);
    if (!m || /--from=/.test(m[2])) continue;
    const args = m[2].trim().startsWith("[") ? JSON.parse(m[2]) : m[2].trim().split(/\s+/);
    for (const src of args.filter((a) => !a.startsWith("--")).slice(0, -1)) {
      const rel = path.normalize(src).replace(/\/+$/, "");
      if (rel && rel !== "." && !rel.startsWith("..") && fs.existsSync(path.join(repoRoot, rel)))
        paths.add(rel);
    }
  }
  return [...paths].sort();
}

/** The build context holds only what the Dockerfile copies, so the repo's bulk never goes to dockerd. */
function stageContext(base) {
  const projectDockerfile = fs.existsSync(image.dockerfile);
  const dockerfile = projectDockerfile
    ? fs.readFileSync(image.dockerfile, "utf8")
    : FALLBACK_DOCKERFILE;
  const files = copiedPaths(dockerfile).flatMap((p) =>
    fs.statSync(path.join(repoRoot, p)).isDirectory()
      ? listFiles(path.join(repoRoot, p)).map((f) => path.join(p, f))
      : [p],
  );
  const hash = sha(
    [
      base,
      dockerfile,
      `lock\0${sha(fs.readFileSync(lockFile()))}`,
      ...files.map((f) => `${f}\0${sha(fs.readFileSync(path.join(repoRoot, f)))}`),
    ].join("\n"),
  );
  const context = path.join(image.fallbackDir, "context");
  fs.rmSync(context, { recursive: true, force: true });
  fs.mkdirSync(path.join(context, path.relative(repoRoot, image.trainerDir)), { recursive: true });
  fs.writeFileSync(path.join(context, "Dockerfile"), dockerfile);
  for (const f of files) {
    fs.mkdirSync(path.dirname(path.join(context, f)), { recursive: true });
    fs.copyFileSync(path.join(repoRoot, f), path.join(context, f));
  }
  return { context, hash: hash.slice(0, 16), projectDockerfile };
}

const exportPath = (hash) => path.join(cacheDir, `trainer-cpu-${hash}.tar`);

/** A fresh checkout has an empty data-root: load the image this machine built before, if any. */
async function loadExport(hash, log) {
  if (!fs.existsSync(exportPath(hash))) return false;
  log(`docker load ${path.basename(exportPath(hash))} (built before on this machine)`);
  const { code } = await docker(["load", "-i", exportPath(hash)], {
    allowFail: true,
    timeoutMs: 600_000,
  });
  return code === 0 && (await imageLabel(image.trainer)) === hash;
}

/**
 * Export in the background (a 1.6 GB save takes ~25 s, which a warm up should not wait for);
 * keep one export, the newest, so the cache does not grow with every trainer change.
 */
function saveExportInBackground(hash) {
  for (const f of fs.readdirSync(cacheDir)) {
    if (/^trainer-cpu-.*\.tar(\.tmp)?$/.test(f)) fs.rmSync(path.join(cacheDir, f), { force: true });
  }
  const out = exportPath(hash);
  spawnDetached(
    "sh",
    ["-c", 'docker save -o "$1.tmp" "$2" && mv "$1.tmp" "$1"', "sh", out, image.trainer],
    {
      logFile: path.join(logsDir, "image-export.log"),
      env: dockerEnv(),
    },
  );
}

/** Build tunectl-trainer:cpu unless an image with the same content hash is already there. */
export async function ensureTrainerImage(log) {
  const base = await ensureBaseImage(log);
  const { context, hash, projectDockerfile } = stageContext(base);
  linkWheels(await ensureWheels(log), context);
  const info = { name: image.trainer, base, hash, projectDockerfile };
  if ((await imageLabel(image.trainer)) === hash) {
    const exporting =
      fs.existsSync(`${exportPath(hash)}.tmp`) &&
      Date.now() - fs.statSync(`${exportPath(hash)}.tmp`).mtimeMs < 60_000;
    if (!fs.existsSync(exportPath(hash)) && !exporting) saveExportInBackground(hash);
    return { ...info, built: false };
  }
  if (await loadExport(hash, log)) return { ...info, built: false, loaded: true };
  if (!projectDockerfile)
    log("no top-level Dockerfile yet: building from the testbed's minimal cpu stage");
  log(`docker build --target cpu -t ${image.trainer} (content hash ${hash})`);
  const args = ["build", "--network=host", "--build-arg", `BASE=${base}`, "--target", "cpu"];
  await docker([...args, "--label", `${HASH_LABEL}=${hash}`, "-t", image.trainer, context], {
    timeoutMs: 1_200_000,
    env: { ...dockerEnv(), DOCKER_BUILDKIT: "0" },
  });
  saveExportInBackground(hash);
  return { ...info, built: true };
}

export async function trainerImagePresent() {
  return (await imageLabel(image.trainer)) !== undefined;
}
