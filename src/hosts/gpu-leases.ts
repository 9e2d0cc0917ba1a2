import os from "node:os";
import { InfraError } from "../errors/index.js";
import type { RemoteHost } from "./remote-host.js";

/**
 * GPU leases live on the host, one directory per GPU index: `<workdir>/leases/gpu-<i>/`,
 * created with `mkdir` (atomic on every POSIX filesystem, so of two orchestrators racing for a
 * GPU exactly one succeeds), holding a `holder` file: the run id on line 1, a JSON record on
 * line 2. A lease whose holder is gone is reclaimed under a short `gpu-<i>.reclaim` lock, and
 * only if its holder file is still the one judged dead, so a fresh lease is never removed.
 */
export interface GpuLease {
  gpu: number;
  run_id: string;
  /** Runtime handle of the holder (container id, pid), once the run started. */
  handle?: string;
  acquired_at?: string;
  /** The machine whose tunectl took the lease. */
  by?: string;
  /** Age of the lease directory in seconds, when known. */
  age_s?: number;
}

export interface AcquireRequest {
  /** `<workdir>` as given to hostWorkdir(). */
  workdir: string;
  runId: string;
  count: number;
  /** Usable GPU indices on the host, in preference order. */
  gpus: number[];
  /** Decides whether another run's lease is still in use (its container or process lives). */
  isHolderAlive(lease: GpuLease): Promise<boolean>;
  handle?: string;
  now?: () => Date;
}

export type AcquireResult =
  | { ok: true; gpus: number[]; reclaimed: GpuLease[] }
  | { ok: false; free: number; held: GpuLease[]; reclaimed: GpuLease[] };

const acquireScript = `
dir="$1/leases"; run="$2"; record="$3"; want="$4"; shift 4
mkdir -p "$dir" || exit 3
got=""; new=""; n=0
for i in "$@"; do
  [ "$n" -ge "$want" ] && break
  if mkdir "$dir/gpu-$i" 2>/dev/null; then
    if printf '%s\\n%s\\n' "$run" "$record" > "$dir/gpu-$i/holder"; then
      got="$got $i"; new="$new $i"; n=$((n + 1))
    else
      rm -rf "$dir/gpu-$i"; exit 3
    fi
  elif [ "$(head -n 1 "$dir/gpu-$i/holder" 2>/dev/null)" = "$run" ]; then
    got="$got $i"; n=$((n + 1))
  fi
done
if [ "$n" -ge "$want" ]; then echo "ok$got"; exit 0; fi
for i in $new; do rm -rf "$dir/gpu-$i"; done
echo busy
`;

/** Every lease under the workdir: `lease <gpu> <age seconds>` then the holder's JSON line. */
export const listLeasesScript = `
dir="$1/leases"
[ -d "$dir" ] || exit 0
now=$(date +%s)
for d in "$dir"/gpu-*; do
  [ -d "$d" ] || continue
  case "\${d##*/}" in *.reclaim) continue ;; esac
  age=$(( now - $(date -r "$d" +%s 2>/dev/null || echo "$now") ))
  echo "lease \${d##*/gpu-} $age"
  sed -n 2p "$d/holder" 2>/dev/null
  echo
done
`;

const reclaimScript = `
dir="$1/leases"; i="$2"; expected="$3"; lock="$dir/gpu-$i.reclaim"
if ! mkdir "$lock" 2>/dev/null; then
  # a reclaim lock older than a minute belongs to a tunectl that died mid-reclaim
  [ -n "$(find "$lock" -prune -mmin +1 2>/dev/null)" ] && rmdir "$lock" 2>/dev/null
  exit 1
fi
current=$(sed -n 2p "$dir/gpu-$i/holder" 2>/dev/null)
if [ "$current" = "$expected" ]; then
  if [ -n "$current" ] || [ -n "$(find "$dir/gpu-$i" -prune -mmin +1 2>/dev/null)" ]; then
    rm -rf "$dir/gpu-$i"; rmdir "$lock"; exit 0
  fi
fi
rmdir "$lock"; exit 2
`;

const releaseScript = `
dir="$1/leases"; run="$2"
[ -d "$dir" ] || exit 0
for d in "$dir"/gpu-*; do
  [ -d "$d" ] || continue
  if [ "$(head -n 1 "$d/holder" 2>/dev/null)" = "$run" ]; then rm -rf "$d" && echo "\${d##*/gpu-}"; fi
done
`;

const updateScript = `
dir="$1/leases"; run="$2"; record="$3"
for d in "$dir"/gpu-*; do
  [ -d "$d" ] || continue
  if [ "$(head -n 1 "$d/holder" 2>/dev/null)" = "$run" ]; then
    printf '%s\\n%s\\n' "$run" "$record" > "$d/holder.tmp" && mv -f "$d/holder.tmp" "$d/holder"
  fi
done
`;

function failed(host: RemoteHost, what: string, stderr: string): InfraError {
  return new InfraError(`host ${host.name}: ${what} failed: ${stderr.trim() || "no output"}`, {
    code: "hosts.lease_failed",
  });
}

/** Parse listLeasesScript output; holder lines that are not JSON leave only gpu and age. */
export function parseLeases(text: string): GpuLease[] {
  const leases: GpuLease[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const match = /^lease (\d+) (-?\d+)$/.exec(lines[i] ?? "");
    if (!match) continue;
    const lease: GpuLease = { gpu: Number(match[1]), run_id: "", age_s: Number(match[2]) };
    try {
      const record = JSON.parse(lines[i + 1] ?? "") as Partial<GpuLease>;
      if (typeof record.run_id === "string") lease.run_id = record.run_id;
      if (typeof record.handle === "string") lease.handle = record.handle;
      if (typeof record.acquired_at === "string") lease.acquired_at = record.acquired_at;
      if (typeof record.by === "string") lease.by = record.by;
    } catch {
      // a holder still being written, or left empty by a crash: reclaimable once old
    }
    leases.push(lease);
  }
  return leases.sort((a, b) => a.gpu - b.gpu);
}

export async function listLeases(host: RemoteHost, workdir: string): Promise<GpuLease[]> {
  const result = await host.script(listLeasesScript, [workdir], { timeoutMs: 30_000 });
  if (result.code !== 0) throw failed(host, "listing GPU leases", result.stderr);
  return parseLeases(result.stdout);
}

function holderRecord(lease: GpuLease): string {
  const { run_id, handle, acquired_at, by } = lease;
  return JSON.stringify({ run_id, ...(handle ? { handle } : {}), acquired_at, by });
}

/**
 * Lease `count` GPUs for a run, all or none. Leases already held by the same run count as
 * its own (a resume on the same host). Dead holders' leases are reclaimed and the attempt
 * repeated once.
 */
export async function acquireGpus(
  host: RemoteHost,
  request: AcquireRequest,
): Promise<AcquireResult> {
  if (request.count <= 0) return { ok: true, gpus: [], reclaimed: [] };
  const record = holderRecord({
    gpu: -1,
    run_id: request.runId,
    ...(request.handle ? { handle: request.handle } : {}),
    acquired_at: (request.now?.() ?? new Date()).toISOString(),
    by: os.hostname(),
  });
  const reclaimed: GpuLease[] = [];
  for (let round = 0; ; round++) {
    const args = [
      request.workdir,
      request.runId,
      record,
      String(request.count),
      ...request.gpus.map(String),
    ];
    const result = await host.script(acquireScript, args, { timeoutMs: 30_000 });
    if (result.code !== 0) throw failed(host, "leasing GPUs", result.stderr);
    const ok = /^ok((?: \d+)*)\s*$/m.exec(result.stdout);
    if (ok) {
      const gpus = (ok[1] ?? "").trim().split(/\s+/).filter(Boolean).map(Number);
      return { ok: true, gpus, reclaimed };
    }
    const usable = new Set(request.gpus);
    const held = (await listLeases(host, request.workdir)).filter(
      (lease) => usable.has(lease.gpu) && lease.run_id !== request.runId,
    );
    if (round > 0) return { ok: false, free: request.gpus.length - held.length, held, reclaimed };
    let any = false;
    for (const lease of held) {
      // A holder-less lease (a crash between mkdir and write) is judged by its age alone.
      const dead =
        lease.run_id === "" ? (lease.age_s ?? 0) > 60 : !(await request.isHolderAlive(lease));
      if (!dead) continue;
      const expected = lease.run_id === "" ? "" : holderRecord(lease);
      const outcome = await host.script(
        reclaimScript,
        [request.workdir, String(lease.gpu), expected],
        {
          timeoutMs: 30_000,
        },
      );
      if (outcome.code === 0) {
        reclaimed.push(lease);
        any = true;
      }
    }
    if (!any) return { ok: false, free: request.gpus.length - held.length, held, reclaimed };
  }
}

/** Drop every lease the run holds on the host; returns the GPU indices released. */
export async function releaseGpus(
  host: RemoteHost,
  workdir: string,
  runId: string,
): Promise<number[]> {
  const result = await host.script(releaseScript, [workdir, runId], { timeoutMs: 30_000 });
  if (result.code !== 0) throw failed(host, "releasing GPU leases", result.stderr);
  return result.stdout
    .split(/\s+/)
    .filter(Boolean)
    .map(Number)
    .sort((a, b) => a - b);
}

/** Record the runtime handle in the run's leases once its container or process started. */
export async function recordLeaseHandle(
  host: RemoteHost,
  workdir: string,
  runId: string,
  handle: string,
  acquiredAt: Date = new Date(),
): Promise<void> {
  const record = holderRecord({
    gpu: -1,
    run_id: runId,
    handle,
    acquired_at: acquiredAt.toISOString(),
    by: os.hostname(),
  });
  const result = await host.script(updateScript, [workdir, runId, record], { timeoutMs: 30_000 });
  if (result.code !== 0) throw failed(host, "recording the lease handle", result.stderr);
}
