// One real Docker engine (Debian docker.io) with its own data-root, exec-root, socket and pidfile.
import fs from "node:fs";
import path from "node:path";
import { docker, logsDir } from "./layout.mjs";
import { isOurs, readPid, run, spawnDetached, stopPid, waitFor } from "./proc.mjs";

const containerdPidFile = path.join(docker.execRoot, "containerd", "containerd.pid");
const storageMarker = path.join(docker.dir, "storage-driver");

export const dockerEnv = () => ({ ...process.env, DOCKER_HOST: docker.host });

export const dockerPid = () => {
  const pid = readPid(docker.pidFile);
  return isOurs(pid, docker.pidFile) ? pid : undefined;
};

export async function dockerAnswers() {
  const { code } = await run("docker", ["version", "--format", "{{.Server.Version}}"], {
    env: dockerEnv(),
    allowFail: true,
    timeoutMs: 5_000,
  });
  return code === 0;
}

function launch(driver) {
  return spawnDetached(
    "dockerd",
    [
      "--iptables=false",
      "--ip6tables=false",
      "--bridge=none",
      `--storage-driver=${driver}`,
      `--data-root=${docker.dataRoot}`,
      `--exec-root=${docker.execRoot}`,
      "--containerd-namespace=tunectl-tb",
      "--containerd-plugins-namespace=tunectl-tb-plugins",
      `--host=${docker.host}`,
      `--pidfile=${docker.pidFile}`,
    ],
    { logFile: docker.logFile },
  );
}

/** Start dockerd (overlay2, or vfs where overlay2 is refused) and wait until it answers. */
export async function startDocker(log) {
  if (dockerPid() && (await dockerAnswers())) return dockerPid();
  await stopDocker();
  for (const dir of [docker.dataRoot, docker.execRoot, path.dirname(docker.socket), logsDir]) {
    fs.mkdirSync(dir, { recursive: true });
  }
  const known = fs.existsSync(storageMarker)
    ? fs.readFileSync(storageMarker, "utf8").trim()
    : undefined;
  const drivers = known ? [known] : ["overlay2", "vfs"];
  for (const driver of drivers) {
    const pid = launch(driver);
    const outcome = await waitFor(
      "dockerd to answer",
      async () => ((await dockerAnswers()) ? "up" : isOurs(pid, docker.pidFile) ? false : "exited"),
      { timeoutMs: 60_000, intervalMs: 250 },
    ).catch(async (err) => {
      await stopPid(pid, docker.pidFile, { graceMs: 5_000 });
      throw err;
    });
    if (outcome === "up") {
      if (driver !== "overlay2")
        log(`dockerd: overlay2 refused here, using the ${driver} storage driver`);
      fs.writeFileSync(storageMarker, `${driver}\n`);
      return pid;
    }
  }
  throw new Error(`dockerd did not start; see ${docker.logFile}`);
}

export async function stopDocker() {
  const pid = dockerPid();
  if (pid) await stopPid(pid, docker.pidFile, { graceMs: 20_000 });
  fs.rmSync(docker.pidFile, { force: true });
  // A dockerd killed hard leaves its managed containerd running.
  const cpid = readPid(containerdPidFile);
  if (cpid && isOurs(cpid, docker.execRoot))
    await stopPid(cpid, docker.execRoot, { graceMs: 10_000 });
  // Its pidfile may name a zombie, which dockerd would then wait on as if it were containerd.
  fs.rmSync(containerdPidFile, { force: true });
  fs.rmSync(docker.socket, { force: true });
}
