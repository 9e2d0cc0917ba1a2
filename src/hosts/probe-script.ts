/**
 * Everything `tunectl hosts` shows, gathered in one round trip: a fixed sh script printing
 * `@@section` blocks. Arguments: workdir, runtime kind, python, and `placement` to skip what
 * placing a run does not need.
 */
export const probeScript = `
wd="$1"; runtime="$2"; python="$3"
echo "@@os"
if [ -r /etc/os-release ]; then (. /etc/os-release && echo "\${PRETTY_NAME:-$NAME}"); else uname -s; fi
echo "@@kernel"
uname -sr
echo "@@workdir"
if mkdir -p "$wd" 2>&1 && (cd "$wd" && pwd -P); then
  echo "@@disk"
  df -Pk "$wd" | tail -n 1
fi
echo "@@runtime"
case "$runtime" in
  docker) docker version --format '{{.Server.Version}}' 2>&1; echo "rc=$?" ;;
  podman) podman version --format '{{.Client.Version}}' 2>&1; echo "rc=$?" ;;
  process) [ "$python" = auto ] && python=python3
    "$python" -c 'import importlib.util, platform; print(platform.python_version(), "torch" if importlib.util.find_spec("torch") else "no-torch")' 2>&1; echo "rc=$?" ;;
esac
echo "@@gpu_runtime"
# docker info is the slowest call here; placing a run does not need GPU runtime details.
if [ "$4" != placement ]; then
  if [ "$runtime" = docker ]; then docker info --format '{{range $k, $v := .Runtimes}}{{$k}} {{end}}' 2>/dev/null; fi
  for tool in nvidia-ctk nvidia-container-cli nvidia-container-runtime; do command -v "$tool" >/dev/null 2>&1 && echo "tool=$tool"; done
fi
echo "@@gpus"
if command -v nvidia-smi >/dev/null 2>&1; then
  nvidia-smi --query-gpu=index,uuid,name,memory.total,memory.used,utilization.gpu,temperature.gpu,power.draw --format=csv,noheader,nounits 2>&1
  echo "rc=$?"
else
  echo "rc=absent"
fi
echo "@@leases"
`;

/** Split probe output into its sections. */
export function parseSections(text: string): Map<string, string[]> {
  const sections = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of text.split("\n")) {
    const match = /^@@([a-z_]+)$/.exec(line);
    if (match) {
      current = [];
      sections.set(match[1]!, current);
    } else if (current && line !== "") current.push(line);
  }
  return sections;
}
