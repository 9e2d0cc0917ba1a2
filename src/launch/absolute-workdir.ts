import { hostWorkdir, type RemoteHost } from "../hosts/index.js";
import type { HostConfig } from "../config/index.js";
import { remoteError } from "../errors/index.js";

/** Container mounts need absolute paths: create the workdir and ask the host where it is. */
export async function absoluteWorkdir(host: RemoteHost, config: HostConfig): Promise<string> {
  const result = await host.script('mkdir -p "$1" && cd "$1" && pwd -P', [hostWorkdir(config)], {
    timeoutMs: 30_000,
  });
  if (result.code !== 0) throw remoteError(`creating the workdir on ${host.name}`, result.stderr);
  return result.stdout.trim();
}
