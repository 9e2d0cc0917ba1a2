import { createHash } from "node:crypto";
import { InfraError } from "../errors/index.js";
import type { RemoteHost } from "../hosts/index.js";

/**
 * `transformers serve` lists in /v1/models only what is in the Hugging Face cache, and loads a
 * pinned model by hub id. So the exported directory is published under a private cache
 * (HF_HUB_CACHE) as the repo `tunectl/<name>`: `models--tunectl--<name>/refs/main` names one
 * snapshot whose files are symlinks to the export. Nothing is copied and the user's own cache
 * is not touched; the server runs with HF_HUB_OFFLINE=1.
 */
const script = `set -eu
repo=$2 rev=$4
mkdir -p "$1"
cache=$(cd "$1" && pwd) model=$(cd "$3" && pwd)
rm -rf "$cache/$repo"
mkdir -p "$cache/$repo/refs" "$cache/$repo/blobs" "$cache/$repo/snapshots/$rev"
for file in "$model"/*; do
  [ -f "$file" ] && ln -s "$file" "$cache/$repo/snapshots/$rev/$(basename "$file")"
done
printf %s "$rev" > "$cache/$repo/refs/main"
[ -f "$cache/$repo/snapshots/$rev/config.json" ] || { echo "no config.json in $model" >&2; exit 3; }
echo "$cache"`;

/**
 * Publishes `modelDir` (on `host`) as `name` (`tunectl/<x>`) under `cacheDir`; returns the
 * cache's absolute path there (HF_HUB_CACHE for the server).
 */
export async function publishServedModel(
  host: RemoteHost,
  cacheDir: string,
  name: string,
  modelDir: string,
): Promise<string> {
  const repo = `models--${name.replace("/", "--")}`;
  const revision = createHash("sha1").update(`${name}\n${modelDir}`).digest("hex");
  const result = await host.script(script, [cacheDir, repo, modelDir, revision]);
  if (result.code !== 0) {
    throw new InfraError(
      `host ${host.name}: cannot publish ${modelDir} for transformers serve: ${result.stderr.trim()}`,
      {
        code: "serve.model_publish_failed",
        hint: "check the exported directory and free disk space",
      },
    );
  }
  return result.stdout.trim().split("\n").pop() ?? cacheDir;
}
