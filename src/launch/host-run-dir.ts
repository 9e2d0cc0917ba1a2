import { remoteError } from "../errors/index.js";
import type { RemoteHost } from "../hosts/index.js";
import type { HostLayout } from "./host-layout.js";

/**
 * One round trip before the start: create the run's directories, write train.json from stdin,
 * and report whether the host's cache already has the dataset and how much disk is free.
 */
const prepare = `logs=$1 config=$2 json=$3 dest=$4 workdir=$5
mkdir -p "$logs" "$config" || exit 1
cat > "$json" || exit 1
if [ -f "$dest/.complete" ]; then state=cached; else state=missing; fi
free=$(df -Pk "$workdir" 2>/dev/null | awk 'NR==2 {print $4 * 1024}')
echo "$state \${free:-unknown}"`;

export interface HostRunDir {
  datasetCached: boolean;
  /** Free bytes in the workdir, when df answered. */
  freeBytes?: number;
}

export async function prepareHostRunDir(
  host: RemoteHost,
  layout: HostLayout,
  trainJsonText: string,
  fingerprint: string,
): Promise<HostRunDir> {
  const result = await host.script(
    prepare,
    [
      `${layout.output}/logs`,
      layout.config,
      layout.trainJson,
      layout.dataset(fingerprint),
      layout.workdir,
    ],
    { stdin: trainJsonText, timeoutMs: 60_000 },
  );
  if (result.code !== 0)
    throw remoteError(`preparing the run directory on ${host.name}`, result.stderr);
  const [state, free] = result.stdout.trim().split(/\s+/);
  const freeBytes = Number(free);
  return {
    datasetCached: state === "cached",
    ...(Number.isFinite(freeBytes) ? { freeBytes } : {}),
  };
}
