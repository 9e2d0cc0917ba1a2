import path from "node:path";
import { remoteError } from "../errors/index.js";
import type { RemoteHost } from "../hosts/index.js";
import { layoutFromRunDir } from "../launch/index.js";
import type { RuntimeKind } from "../runs/index.js";

/**
 * Where a trainer entry point runs over a finished run's files (`export --on-host`,
 * `tunectl eval`): the host of the run's latest attempt, with its runtime.
 */
export interface HostTrainerTarget {
  host: RemoteHost;
  /** The run's directory on the host (runs/<id> under its workdir). */
  hostDir: string;
  runtime: RuntimeKind;
  /** hosts[].python, for the process runtime. */
  python: string;
  /** hosts[].workdir as the host takes it. */
  workdir: string;
  /** resources.image of the run, for docker and podman. */
  image: string;
}

const asUser = `bin=$1; shift; exec "$bin" run --rm --user "$(id -u):$(id -g)" "$@"`;

/**
 * `docker|podman run --rm` of the run's image (whose entrypoint is `python -m trainer`) as
 * the host's own user: the run's output at /output, `volumes` beside it, and the workdir's
 * Hugging Face cache; the trainer's subcommand follows.
 */
export async function containerTrainerArgv(
  target: HostTrainerTarget,
  volumes: string[] = [],
): Promise<string[]> {
  const { host } = target;
  const layout = layoutFromRunDir(target.hostDir);
  const cache = path.posix.join(layout.workdir, "cache", "huggingface");
  const made = await host.exec(["mkdir", "-p", cache], { timeoutMs: 60_000 });
  if (made.code !== 0) throw remoteError(`creating ${cache} on ${host.name}`, made.stderr);
  return [
    "sh",
    "-c",
    asUser,
    "sh",
    target.runtime,
    "--network",
    "host",
    "--volume",
    `${layout.output}:/output`,
    ...volumes.flatMap((volume) => ["--volume", volume]),
    "--volume",
    `${cache}:/cache/huggingface`,
    "--env",
    "HF_HOME=/cache/huggingface",
    target.image,
  ];
}
