import path from "node:path";
import {
  manifestName,
  parseManifest,
  stepOfDirName,
  type CheckpointManifest,
} from "./checkpoint-manifest.js";
import type { MonitorHost } from "./ports.js";

export interface HostCheckpoint {
  step: number;
  dir: string;
  manifest: CheckpointManifest;
  manifestBytes: Buffer;
}

export interface RefusedCheckpoint {
  name: string;
  reason: string;
}

export interface HostCheckpointScan {
  valid: HostCheckpoint[];
  refused: RefusedCheckpoint[];
}

/**
 * Lists `<hostDir>/output/checkpoints` in one round trip. For every entry it prints its kind
 * (S: a `step-<digits>` name, R: anything else), its type as lstat sees it, and how many
 * entries inside are neither regular files nor directories (symlinks, fifos, devices): a
 * checkpoint holding any of those is refused, so no path in its manifest can lead outside it.
 * Newlines in names are printed as `?`, so one entry is always one line.
 */
const scanScript = `
dir=$1/output/checkpoints
[ -L "$dir" ] && { printf 'R symlink 0 checkpoints\\n'; exit 0; }
cd "$dir" 2>/dev/null || exit 0
for d in * .[!.]*; do
  [ -e "$d" ] || [ -L "$d" ] || continue
  case $d in
    step-*[!0-9]*|step-) kind=R ;;
    step-*) kind=S ;;
    *) kind=R ;;
  esac
  if [ -L "$d" ]; then t=symlink; elif [ -d "$d" ]; then t=dir; else t=other; fi
  bad=0
  [ "$t" = dir ] && bad=$(find "$d" ! -type f ! -type d | wc -l)
  printf '%s %s %s ' "$kind" "$t" "$((bad + 0))"
  printf '%s' "$d" | tr '\\n' '?'
  printf '\\n'
done
`;

export async function scanHostCheckpoints(
  host: MonitorHost,
  hostDir: string,
): Promise<HostCheckpointScan> {
  const result = await host.script(scanScript, [hostDir], { timeoutMs: 60_000 });
  if (result.code !== 0) {
    throw new Error(`listing checkpoints on ${host.name} failed: ${result.stderr.trim()}`);
  }
  const scan: HostCheckpointScan = { valid: [], refused: [] };
  const root = path.posix.join(hostDir, "output", "checkpoints");
  for (const line of result.stdout.split("\n")) {
    const match = /^([SR]) (symlink|dir|other) (\d+) (.*)$/.exec(line);
    if (!match) continue;
    const [, kind, type, bad, name] = match as unknown as [string, string, string, string, string];
    const step = stepOfDirName(name);
    if (kind === "R" || step === null) {
      if (type !== "other" || name.startsWith("step-")) {
        scan.refused.push({ name, reason: `not a step-<N> directory (${type})` });
      }
      continue;
    }
    if (type !== "dir") {
      scan.refused.push({ name, reason: `is a ${type}, not a directory` });
      continue;
    }
    if (Number(bad) > 0) {
      scan.refused.push({ name, reason: `holds ${bad} symlink(s) or special file(s)` });
      continue;
    }
    const dir = path.posix.join(root, name);
    const manifestPath = path.posix.join(dir, manifestName);
    const stat = await host.stat(manifestPath).catch(() => null);
    if (!stat) continue; // being written: not a checkpoint yet
    if (stat.type !== "file") {
      scan.refused.push({ name, reason: `manifest.json is a ${stat.type}` });
      continue;
    }
    const manifestBytes = await host.readFile(manifestPath).catch(() => null);
    if (!manifestBytes) continue;
    const checked = parseManifest(manifestBytes, step);
    if ("problem" in checked) {
      scan.refused.push({ name, reason: checked.problem });
      continue;
    }
    scan.valid.push({ step, dir, manifest: checked.manifest, manifestBytes });
  }
  scan.valid.sort((a, b) => a.step - b.step);
  return scan;
}
