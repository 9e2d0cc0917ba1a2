import type { GpuLease, RemoteHost } from "../hosts/index.js";

const aliveScript = `h=$1
case "$h" in
  *[!0-9]*) for rt in docker podman; do
      command -v "$rt" >/dev/null 2>&1 || continue
      s=$("$rt" inspect --format '{{.State.Status}}' "$h" 2>/dev/null) && { [ "$s" = running ] || [ "$s" = created ]; } && exit 0
    done
    exit 1 ;;
  *) kill -0 "$h" 2>/dev/null && grep -q trainer "/proc/$h/cmdline" 2>/dev/null ;;
esac`;

/** A lease without a handle belongs to a launch still in progress for this long. */
const launchGraceSeconds = 600;

/** Whether another run's GPU lease is still in use: its container runs, or its trainer process lives. */
export async function isLeaseHolderAlive(host: RemoteHost, lease: GpuLease): Promise<boolean> {
  if (!lease.handle) return (lease.age_s ?? 0) < launchGraceSeconds;
  const result = await host.script(aliveScript, [lease.handle], { timeoutMs: 30_000 });
  return result.code === 0;
}
