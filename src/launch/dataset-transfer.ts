import { createHash } from "node:crypto";
import { InfraError, UserError, remoteError } from "../errors/index.js";
import type { RemoteHost } from "../hosts/index.js";
import { fetchOnHost } from "./host-fetch.js";
import type { HostLayout } from "./host-layout.js";
import type { HostRunDir } from "./host-run-dir.js";

export interface StagedFile {
  name: string;
  size: number;
  sha256: string;
}

/** The two things launch needs from the object store to move a staged dataset. */
export interface DatasetSourceStore {
  presignGet(key: string, expiresSeconds: number): Promise<string | undefined>;
  localPath(key: string): string | undefined;
}

export interface DatasetOnHost {
  dir: string;
  /** false when the host already had it (the per-host cache by content hash). */
  moved: boolean;
}

const safeFileName = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * Check the downloaded files against their sha256 and publish the directory with one rename,
 * so a half-fetched dataset is never taken for a cached one. A concurrent fetch of the same
 * data by another run simply loses the rename race.
 */
const publish = `dest=$1 tmp=$2 sums=$3
cd "$tmp" || exit 1
printf '%s' "$sums" | sha256sum -c --quiet - >&2 || { cd /; rm -rf "$tmp"; echo "dataset checksum mismatch" >&2; exit 65; }
touch .complete
cd /
# When another fetch published first, mv puts this copy inside the published one: removed.
mv "$tmp" "$dest" 2>/dev/null
rm -rf "$dest/\${tmp##*/}" "$tmp"
[ -f "$dest/.complete" ]`;

/**
 * Bring a staged dataset to the host: nothing when the host's cache already has it, else
 * from the bucket by presigned URL (fetched on the host) or, for a local store, over SFTP.
 */
export async function bringDataset(
  host: RemoteHost,
  layout: HostLayout,
  store: DatasetSourceStore,
  fingerprint: string,
  prefix: string,
  files: StagedFile[],
  minFreeBytes: number,
  precheck: HostRunDir,
): Promise<DatasetOnHost> {
  const dest = layout.dataset(fingerprint);
  const cached = precheck.datasetCached;
  // resources.min_disk_gb is room for checkpoints too: checked on every launch, cached data or not.
  checkFreeSpace(
    host,
    layout,
    cached ? 0 : files.reduce((sum, f) => sum + f.size, 0),
    minFreeBytes,
    precheck.freeBytes,
  );
  if (cached) return { dir: dest, moved: false };

  for (const file of files) {
    if (!safeFileName.test(file.name) || !/^[0-9a-f]{64}$/.test(file.sha256)) {
      throw new UserError(`unsafe file in staged dataset manifest: ${JSON.stringify(file.name)}`, {
        code: "data.unsafe_manifest",
      });
    }
  }
  const tmp = `${dest}.tmp-${process.pid}-${Date.now()}`;
  const urls = await Promise.all(
    files.map((file) => store.presignGet(`${prefix}${file.name}`, 3600)),
  );
  if (urls.every((url) => url !== undefined)) {
    const downloads = files.map((file, i) => ({ url: urls[i]!, output: file.name }));
    await fetchOnHost(host, tmp, downloads, "the dataset");
  } else {
    await host.exec(["mkdir", "-p", tmp]);
    for (const file of files) {
      const local = store.localPath(`${prefix}${file.name}`);
      if (!local)
        throw new InfraError("the object store gave neither a URL nor a local file", {
          code: "storage.no_transfer",
        });
      await host.putFile(local, `${tmp}/${file.name}`);
    }
  }
  const sums = files.map((file) => `${file.sha256}  ${file.name}\n`).join("");
  const published = await host.script(publish, [dest, tmp, sums], { timeoutMs: 3_600_000 });
  if (published.code !== 0)
    throw remoteError(`checking the dataset on ${host.name}`, published.stderr);
  return { dir: dest, moved: true };
}

function checkFreeSpace(
  host: RemoteHost,
  layout: HostLayout,
  needed: number,
  minFreeBytes: number,
  free: number | undefined,
): void {
  if (free !== undefined && free < needed + minFreeBytes) {
    throw new InfraError(
      `disk too small on ${host.name}: ${needed > 0 ? `the dataset needs ${needed} bytes plus ` : ""}${minFreeBytes} bytes free wanted (resources.min_disk_gb), ${free} available in ${layout.workdir}`,
      {
        code: "host.disk_full",
        hint: "free space in the host's workdir, lower resources.min_disk_gb, or choose another host",
      },
    );
  }
}

/** The files a host needs: the rendered data and the manifest itself (DESIGN.md: /data/manifest.json). */
export function withManifest(files: StagedFile[], manifest: Buffer): StagedFile[] {
  const sha256 = createHash("sha256").update(manifest).digest("hex");
  return [...files, { name: "manifest.json", size: manifest.length, sha256 }];
}
