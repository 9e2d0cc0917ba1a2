import type { ContainerRuntime } from "./container-runtime.js";
import { dockerLikeRuntime } from "./docker-runtime.js";
import { processRuntime } from "./process-runtime.js";

const runtimes: Record<ContainerRuntime["kind"], ContainerRuntime> = {
  docker: dockerLikeRuntime("docker"),
  podman: dockerLikeRuntime("podman"),
  process: processRuntime,
};

export function runtimeFor(kind: ContainerRuntime["kind"]): ContainerRuntime {
  return runtimes[kind];
}
