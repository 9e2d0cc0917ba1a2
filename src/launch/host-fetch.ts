import { remoteError } from "../errors/index.js";
import type { RemoteHost } from "../hosts/index.js";

/**
 * Download URLs into `dir` on the host with curl, which reads them from stdin (a config of
 * `url`/`output` pairs), so presigned URLs stay out of the host's process list.
 */
const fetchScript = `dir=$1
mkdir -p "$dir" && cd "$dir" || exit 1
command -v curl >/dev/null || { echo "curl: not found" >&2; exit 127; }
curl --fail --silent --show-error --retry 3 --retry-delay 1 --create-dirs --config -`;

export interface Download {
  url: string;
  /** Relative to `dir`; names come from manifests already checked to be safe. */
  output: string;
}

export async function fetchOnHost(
  host: RemoteHost,
  dir: string,
  downloads: Download[],
  what: string,
): Promise<void> {
  const config = downloads.map((d) => `url = "${d.url}"\noutput = "${d.output}"\n`).join("");
  const fetched = await host.script(fetchScript, [dir], { stdin: config, timeoutMs: 3_600_000 });
  if (fetched.code !== 0) throw remoteError(`fetching ${what} on ${host.name}`, fetched.stderr);
}
