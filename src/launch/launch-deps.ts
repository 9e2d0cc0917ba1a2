import type { Workspace } from "../config/index.js";
import type { HostPool } from "../hosts/index.js";
import type { Clock, Reporter } from "../report/index.js";
import type { Launcher, RunRegistryPort, RuntimeKind } from "../runs/index.js";
import type { ObjectStore } from "../storage/index.js";
import type { ContainerRuntime } from "./container-runtime.js";

/**
 * Everything launching, following, cancelling and reconciling runs needs: the ports, built by
 * the CLI's composition root (src/cli/app.ts) and by tests from the fakes beside each port.
 */
export interface LaunchDeps {
  workspace: Workspace;
  registry: RunRegistryPort;
  hosts: HostPool;
  /** Created on first use: commands that never touch the bucket never load the AWS SDK. */
  store(): Promise<ObjectStore>;
  /** The container runtime port for a host's `runtime` (docker, podman, process). */
  runtime(kind: RuntimeKind): ContainerRuntime;
  reporter: Reporter;
  clock: Clock;
  /** This tunectl process, recorded on the attempts it launches so a dead launcher is noticed. */
  launcher: Launcher;
  /** Whether a launcher recorded on an attempt still lives (only this machine's can be judged). */
  launcherAlive(launcher: Launcher): boolean;
  /** The local environment: secrets are read from here at launch, never stored. */
  env: Record<string, string | undefined>;
  /** Aborted on Ctrl-C: stops a generate: source's generation (its journal keeps what is done). */
  signal?: AbortSignal;
}
