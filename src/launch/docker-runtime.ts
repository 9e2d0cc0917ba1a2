import path from "node:path/posix";
import { InfraError, remoteError } from "../errors/index.js";
import type { RemoteHost } from "../hosts/index.js";
import {
  envFileContent,
  type AttemptProbe,
  type ContainerRuntime,
  type LaunchSpec,
} from "./container-runtime.js";
import { containerName } from "./host-layout.js";

/**
 * One round trip: writes the env file from stdin (mode 0600), creates the cache directory,
 * runs `<runtime> run --user <the SSH user's uid:gid> <args>`, and removes the env file
 * whatever happened: secrets never touch a command line and do not outlive the start. The
 * container runs as the SSH user, so it can write the output directory that user owns (an
 * image's own user could not), whatever image is used.
 */
const startWithEnvFile = `f=$1 cache=$2 bin=$3; shift 3
mkdir -p "$cache" || exit 1
(umask 077; cat > "$f") || exit 1
"$bin" run --user "$(id -u):$(id -g)" "$@"; rc=$?
rm -f "$f"
exit $rc`;

/** docker and podman share a CLI; `binary` picks which. */
export function dockerLikeRuntime(kind: "docker" | "podman"): ContainerRuntime {
  const binary = kind;
  return {
    kind,
    async start(host, spec) {
      const name = containerName(spec.runId, spec.attempt);
      const cacheDir = path.join(spec.layout.workdir, "cache", "huggingface");
      const env = { ...spec.env, HF_HOME: "/cache/huggingface" };
      const argv = [
        "--detach",
        "--name",
        name,
        "--label",
        `tunectl.run=${spec.runId}`,
        "--label",
        `tunectl.attempt=${spec.attempt}`,
        "--network",
        "host",
        "--shm-size",
        spec.shmSize,
        ...(spec.gpus.length > 0 ? ["--gpus", `"device=${spec.gpus.join(",")}"`] : []),
        "--volume",
        `${spec.layout.output}:/output`,
        "--volume",
        `${spec.layout.config}:/config:ro`,
        "--volume",
        `${spec.dataDir}:/data:ro`,
        "--volume",
        `${cacheDir}:/cache/huggingface`,
        "--env-file",
        spec.layout.envFile(spec.attempt),
        spec.image,
      ];
      const result = await host.script(
        startWithEnvFile,
        [spec.layout.envFile(spec.attempt), cacheDir, binary, ...argv],
        {
          stdin: envFileContent(env),
          timeoutMs: 120_000,
        },
      );
      if (result.code !== 0) {
        throw remoteError(
          `${binary} run of ${spec.image} on ${host.name}`,
          result.stderr || result.stdout,
        );
      }
      return name;
    },
    async probe(host, handle): Promise<AttemptProbe> {
      const result = await host.exec(
        [binary, "inspect", "--format", "{{.State.Status}} {{.State.ExitCode}}", handle],
        { timeoutMs: 30_000 },
      );
      if (result.code !== 0) {
        if (/no such (object|container)|no container with name/i.test(result.stderr)) {
          return { state: "gone" };
        }
        throw remoteError(`${binary} inspect on ${host.name}`, result.stderr);
      }
      const [status, code] = result.stdout.trim().split(/\s+/);
      if (status === "exited" || status === "dead")
        return { state: "exited", exitCode: Number(code) };
      return { state: "running" };
    },
    async stop(host, handle) {
      await checked(host, [binary, "kill", "--signal", "TERM", handle], handle, "stop");
    },
    async kill(host, handle) {
      await checked(host, [binary, "kill", handle], handle, "kill");
    },
    async cleanup(host, handle) {
      await host.exec([binary, "rm", "--force", handle], { timeoutMs: 60_000 });
    },
  };

  async function checked(
    host: RemoteHost,
    argv: string[],
    handle: string,
    what: string,
  ): Promise<void> {
    const result = await host.exec(argv, { timeoutMs: 30_000 });
    // Already gone or not running is what we wanted.
    if (result.code !== 0 && !/is not running|no such (object|container)/i.test(result.stderr)) {
      throw new InfraError(`${binary} ${what} ${handle} on ${host.name}: ${result.stderr.trim()}`, {
        code: "runtime.signal_failed",
      });
    }
  }
}

export type { LaunchSpec };
