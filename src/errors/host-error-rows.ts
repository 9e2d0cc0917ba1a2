import type { RemoteErrorRow } from "./remote-error-table.js";

/** How container runtimes, the host's shell and filesystem, and Python/torch say they failed. */
export const hostErrorRows: RemoteErrorRow[] = [
  {
    code: "runtime.image_missing",
    kind: "user",
    pattern:
      /Unable to find image '(?<image>[^']+)'|pull access denied for (?<repo>[^,\s]+)|manifest for (?<ref>\S+) not found|No such image: (?<local>\S+)|Error: (?<podman>\S+): image not known|Error: initializing source docker:\/\/(?<source>[^:\s]+(?::\d+)?\/[^:\s]+(?::[\w.-]+)?)/,
    message: (g) =>
      `the trainer image ${g.image ?? g.repo ?? g.ref ?? g.local ?? g.podman ?? g.source} is not on the host and could not be pulled`,
    resolution: "build or load the image on the host, or set `resources.image` to one it can pull",
  },
  {
    code: "runtime.docker_unreachable",
    kind: "infra",
    pattern:
      /Cannot connect to the Docker daemon at (?<socket>\S+?)\.? Is the docker daemon running\?|permission denied while trying to connect to the Docker daemon socket at (?<denied>[^\s:]+:[^\s:]+)/,
    message: (g) =>
      g.denied
        ? `the SSH user may not use the Docker daemon (${g.denied})`
        : `the Docker daemon on the host does not answer (${g.socket})`,
    resolution:
      "start dockerd on the host and add the SSH user to the docker group, or set `runtime: podman` or `runtime: process` for it",
  },
  {
    code: "runtime.missing",
    kind: "infra",
    pattern: /(?<binary>[\w./-]*\b(?:docker|podman|python[\d.]*)): (?:command )?not found/,
    message: (g) => `${g.binary} is not installed on the host`,
    resolution:
      "install it, or choose another `runtime` (or `python`) for this host in tunectl.yaml",
  },
  {
    code: "host.command_missing",
    kind: "infra",
    pattern: /\b(?<command>curl|tar|sha256sum|flock): (?:command )?not found/,
    message: (g) => `the host has no ${g.command}, which tunectl needs there`,
    resolution: "install it on the host (Debian: apt-get install curl tar coreutils util-linux)",
  },
  {
    code: "runtime.no_gpu_support",
    kind: "infra",
    pattern: /could not select device driver "[^"]*" with capabilities: \[\[gpu\]\]/,
    message: () => "the container runtime on the host has no GPU support",
    resolution: "install the NVIDIA container toolkit on the host",
  },
  {
    code: "trainer.missing_module",
    kind: "infra",
    pattern:
      /ModuleNotFoundError: No module named '(?<module>[^']+)'|ImportError: cannot import name '(?<name>[^']+)' from '(?<from>[^']+)'/,
    message: (g) =>
      g.module
        ? `the host's Python has no module ${g.module}`
        : `the host's Python has a version of ${g.from} without ${g.name}`,
    resolution:
      "install the trainer's requirements (scripts/trainer) into the host's `python`, or use `runtime: docker` with the trainer image",
  },
  {
    code: "trainer.no_cuda",
    kind: "infra",
    pattern: /Torch not compiled with CUDA enabled|No CUDA GPUs are available/,
    message: () => "the trainer's torch sees no CUDA GPU",
    resolution:
      "install a CUDA build of torch on the host (or use the CUDA image), or set resources.gpus: 0",
  },
  {
    code: "trainer.out_of_memory",
    kind: "user",
    pattern: /CUDA out of memory\. Tried to allocate (?<size>[\d.]+ [KMGT]?i?B)/,
    message: (g) => `the GPU ran out of memory (it needed ${g.size} more)`,
    resolution:
      "lower train.micro_batch_size or data.max_seq_len, or enable train.gradient_checkpointing",
  },
  {
    code: "host.disk_full",
    kind: "infra",
    pattern: /No space left on device|\bENOSPC\b/,
    message: () => "disk full on the host",
    resolution: "free space in the host's workdir, or run on another host",
  },
  {
    code: "host.permission_denied",
    kind: "infra",
    pattern:
      /cannot (?:create directory|touch|open|remove|create regular file) ['‘](?<path>[^'’]+)['’]: Permission denied|PermissionError: \[Errno 13\] Permission denied: '(?<file>[^']+)'|: (?<target>\/\S+): Permission denied/,
    message: (g) => `the SSH user may not write ${g.path ?? g.file ?? g.target} on the host`,
    resolution:
      "give the SSH user the workdir (chown), or set `workdir` for this host in tunectl.yaml",
  },
];
