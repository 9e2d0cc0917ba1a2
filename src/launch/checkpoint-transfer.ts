import { readFile } from "node:fs/promises";
import path from "node:path";
import { InfraError, UserError, remoteError } from "../errors/index.js";
import type { RemoteHost } from "../hosts/index.js";
import { fetchOnHost } from "./host-fetch.js";
import type { HostLayout } from "./host-layout.js";

/** The part of a checkpoint's manifest.json that says what it holds (scripts/trainer/trainer/checkpoint.py). */
export interface CheckpointFiles {
  step: number;
  files: Array<{ path: string; size: number; sha256: string }>;
}

/** Where a checkpoint to resume from can be copied from, besides the host that wrote it. */
export type CheckpointSource =
  | { kind: "local"; dir: string }
  | {
      kind: "bucket";
      prefix: string;
      presign(key: string): Promise<string | undefined>;
      read(key: string): Promise<Buffer>;
    };

const safeRelative = /^[A-Za-z0-9._+=@,-]+(?:\/[A-Za-z0-9._+=@,-]+)*$/;

/** Manifest paths come from a host: refuse anything that could land outside the checkpoint. */
export function checkManifestPaths(manifest: CheckpointFiles): void {
  for (const file of manifest.files) {
    const parts = file.path.split("/");
    if (
      !safeRelative.test(file.path) ||
      parts.includes("..") ||
      parts.includes(".") ||
      !/^[0-9a-f]{64}$/.test(file.sha256)
    ) {
      throw new UserError(
        `checkpoint step-${manifest.step} lists an unsafe file ${JSON.stringify(file.path)}`,
        {
          code: "checkpoint.unsafe_path",
        },
      );
    }
  }
}

const verifyAndPublish = `dest=$1 tmp=$2 sums=$3
cd "$tmp" || exit 1
printf '%s' "$sums" | sha256sum -c --quiet - >&2 || { cd /; rm -rf "$tmp"; echo "checkpoint checksum mismatch" >&2; exit 65; }
mkdir -p "$(dirname "$dest")" && rm -rf "$dest" && mv "$tmp" "$dest"`;

const verifyInPlace = `dir=$1 sums=$2
[ -f "$dir/manifest.json" ] || exit 1
cd "$dir" && printf '%s' "$sums" | sha256sum -c --quiet - >/dev/null 2>&1`;

function sums(manifest: CheckpointFiles): string {
  return manifest.files.map((file) => `${file.sha256}  ${file.path}\n`).join("");
}

/**
 * Put checkpoint `step-N` into the run's output on `host`, verified file by file against its
 * manifest: kept when the host already has a valid copy (a resume on the same host), else
 * copied from the workstation's copy or fetched from the bucket, then moved into place whole.
 */
export async function placeCheckpoint(
  host: RemoteHost,
  layout: HostLayout,
  manifest: CheckpointFiles,
  manifestBytes: Buffer,
  source: CheckpointSource | undefined,
): Promise<"kept" | "copied"> {
  checkManifestPaths(manifest);
  const dest = path.posix.join(layout.checkpoints, `step-${manifest.step}`);
  const inPlace = await host.script(verifyInPlace, [dest, sums(manifest)], { timeoutMs: 600_000 });
  if (inPlace.code === 0) return "kept";
  if (!source) {
    throw new InfraError(
      `checkpoint step-${manifest.step} is not on ${host.name} and no other copy is known`,
      {
        code: "checkpoint.missing",
        hint: "tunectl sync RUN pulls checkpoints to this machine and the bucket while the run's host answers",
      },
    );
  }
  const tmp = path.posix.join(layout.runDir, `.incoming-step-${manifest.step}-${process.pid}`);
  if (source.kind === "local") {
    const dirs = [
      ...new Set(manifest.files.map((file) => path.posix.dirname(path.posix.join(tmp, file.path)))),
    ];
    await host.exec(["mkdir", "-p", tmp, ...dirs]);
    for (const file of manifest.files) {
      await host.putFile(
        path.join(source.dir, ...file.path.split("/")),
        path.posix.join(tmp, file.path),
      );
    }
  } else {
    const urls = await Promise.all(
      manifest.files.map((file) => source.presign(`${source.prefix}${file.path}`)),
    );
    if (urls.some((url) => url === undefined)) {
      throw new InfraError("the object store gave no download URL for the checkpoint", {
        code: "storage.no_transfer",
      });
    }
    const downloads = manifest.files.map((file, i) => ({ url: urls[i]!, output: file.path }));
    await fetchOnHost(host, tmp, downloads, `checkpoint step-${manifest.step}`);
  }
  await host.writeFile(path.posix.join(tmp, "manifest.json"), manifestBytes);
  const published = await host.script(verifyAndPublish, [dest, tmp, sums(manifest)], {
    timeoutMs: 3_600_000,
  });
  if (published.code !== 0)
    throw remoteError(
      `checking checkpoint step-${manifest.step} on ${host.name}`,
      published.stderr,
    );
  return "copied";
}

export async function readLocalManifest(dir: string): Promise<Buffer> {
  return readFile(path.join(dir, "manifest.json"));
}
