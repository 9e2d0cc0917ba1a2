import { remoteError } from "../errors/index.js";
import { shellQuote, type RemoteHost } from "../hosts/index.js";
import type { AttemptProbe, ContainerRuntime, LaunchSpec } from "./container-runtime.js";
import type { HostLayout } from "./host-layout.js";

/**
 * The trainer as a plain process for hosts without a container runtime. A detached `setsid`
 * wrapper sources the 0600 env file, deletes it, execs the trainer with output appended to the
 * attempt log, and records the pid and, at the end, the exit status in files beside the run,
 * so any later tunectl (on any workstation) can tell running, exited and gone apart.
 */
const wrapper = `f=$1 pidf=$2 exitf=$3 log=$4 out=$5; shift 5
cd "$out" || exit 1
( . "$f"; rm -f "$f"; exec "$@" ) >>"$log" 2>&1 </dev/null &
echo $! > "$pidf.tmp" && mv "$pidf.tmp" "$pidf"
wait $!
echo $? > "$exitf.tmp" && mv "$exitf.tmp" "$exitf"`;

const start = `f=$1 pidf=$2 exitf=$3 log=$4 out=$5
rm -f "$pidf" "$exitf"
mkdir -p "$(dirname "$log")" || exit 1
(umask 077; cat > "$f") || exit 1
command -v setsid >/dev/null || { echo "setsid: not found" >&2; exit 127; }
setsid sh -c '${wrapper.replaceAll("'", `'\\''`)}' tunectl-run "$@" >/dev/null 2>&1 </dev/null &
i=0
while [ ! -s "$pidf" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done
[ -s "$pidf" ] || { echo "trainer did not start" >&2; exit 1; }
cat "$pidf"`;

const probe = `pidf=$1 exitf=$2
if [ -s "$exitf" ]; then echo "exited $(cat "$exitf")"; exit 0; fi
if [ -s "$pidf" ]; then
  pid=$(cat "$pidf")
  if kill -0 "$pid" 2>/dev/null && grep -q trainer "/proc/$pid/cmdline" 2>/dev/null; then echo running; exit 0; fi
fi
# Exiting: a trainer tearing down (its cmdline is empty by then) or not yet reaped by the
# wrapper, which writes the exit status next; on a loaded host that takes seconds. Wait while
# the pid exists (at most 10 s) and 2 s after, before calling it gone.
i=0
while [ ! -s "$exitf" ] && [ $i -lt 100 ]; do
  if [ -s "$pidf" ] && kill -0 "$(cat "$pidf")" 2>/dev/null; then :; elif [ $i -ge 20 ]; then break; fi
  sleep 0.1; i=$((i+1))
done
if [ -s "$exitf" ]; then echo "exited $(cat "$exitf")"; exit 0; fi
echo gone`;

function shellEnvFile(env: Record<string, string>): string {
  return Object.entries(env)
    .map(([name, value]) => `export ${name}=${shellQuote(value)}\n`)
    .join("");
}

export const processRuntime: ContainerRuntime = {
  kind: "process",
  async start(host: RemoteHost, spec: LaunchSpec) {
    const { layout, attempt } = spec;
    const env: Record<string, string> = {
      ...spec.env,
      PYTHONUNBUFFERED: "1",
      CUDA_VISIBLE_DEVICES: spec.gpus.join(","),
      ...(spec.trainerPath ? { PYTHONPATH: spec.trainerPath } : {}),
    };
    const argv = [
      spec.python,
      "-m",
      "trainer",
      "--config",
      layout.trainJson,
      "--data",
      spec.dataDir,
      "--output",
      layout.output,
    ];
    const result = await host.script(
      start,
      [
        layout.envFile(attempt),
        layout.pidFile(attempt),
        layout.exitFile(attempt),
        layout.attemptLog(attempt),
        layout.output,
        ...argv,
      ],
      { stdin: shellEnvFile(env), timeoutMs: 60_000 },
    );
    if (result.code !== 0) throw remoteError(`starting the trainer on ${host.name}`, result.stderr);
    return result.stdout.trim();
  },
  async probe(host, _handle, layout: HostLayout, attempt: number): Promise<AttemptProbe> {
    const result = await host.script(probe, [layout.pidFile(attempt), layout.exitFile(attempt)], {
      timeoutMs: 30_000,
    });
    if (result.code !== 0) throw remoteError(`checking the trainer on ${host.name}`, result.stderr);
    const [state, code] = result.stdout.trim().split(/\s+/);
    if (state === "exited") return { state: "exited", exitCode: Number(code) };
    return state === "running" ? { state: "running" } : { state: "gone" };
  },
  async stop(host, handle) {
    await host.exec(["kill", "-TERM", handle], { timeoutMs: 30_000 });
  },
  async kill(host, handle) {
    await host.exec(["kill", "-KILL", handle], { timeoutMs: 30_000 });
  },
  async cleanup() {},
};
