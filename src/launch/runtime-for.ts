import type { ContainerRuntime } from "./container-runtime.js";
import { dockerLikeRuntime } from "./docker-runtime.js";
import { processRuntime } from "./process-runtime.js";
import { slurmRuntime } from "./slurm-runtime.js";

const runtimes: Record<ContainerRuntime["kind"], ContainerRuntime> = {
  docker: dockerLikeRuntime("docker"),
  podman: dockerLikeRuntime("podman"),
  process: processRuntime,
  slurm: slurmRuntime,
};

export function runtimeFor(kind: ContainerRuntime["kind"]): ContainerRuntime {
  return runtimes[kind];
}
