import type { HostConfig } from "../config/index.js";
import type { RemoteHost } from "../hosts/index.js";
import type { SchedulerView } from "../runs/index.js";
import type { HostLayout } from "./host-layout.js";

/** What a runtime needs to start one attempt of a run on a host. */
export interface LaunchSpec {
  runId: string;
  attempt: number;
  image: string;
  layout: HostLayout;
  dataDir: string;
  gpus: number[];
  shmSize: string;
  /** Every variable the trainer gets (env, secrets, TUNECTL_*), written to a 0600 file, never on a command line. */
  env: Record<string, string>;
  /** Python on the host (process runtime). */
  python: string;
  /** Directory holding the `trainer` package on the host (process runtime). */
  trainerPath?: string;
  /** The Slurm runtime: the login host's entry and the GPUs to ask the scheduler for. */
  slurm?: { host: HostConfig; gpus: number; nodes: number };
}

/** How an attempt's process looks from the host right now; `detail` is the scheduler's view (Slurm). */
export type AttemptProbe =
  | { state: "running"; detail?: string; scheduler?: SchedulerView }
  | { state: "exited"; exitCode: number; detail?: string }
  | { state: "gone"; detail?: string }
  /**
   * The scheduler runs the job again as the next attempt (Slurm requeue): after the trainer
   * checkpointed on the time-limit warning (`stopped`), or without its exit status (`gone`).
   */
  | { state: "requeued"; how: "stopped" | "gone"; resumeFrom?: string; detail?: string };

/** The port for docker, podman, the plain-process runtime and Slurm jobs. */
export interface ContainerRuntime {
  readonly kind: "docker" | "podman" | "process" | "slurm";
  /** Start detached; returns the handle (container name or pid) recorded in the attempt. */
  start(host: RemoteHost, spec: LaunchSpec): Promise<string>;
  probe(
    host: RemoteHost,
    handle: string,
    layout: HostLayout,
    attempt: number,
  ): Promise<AttemptProbe>;
  /** SIGTERM: the trainer finishes its step, checkpoints and exits 75. */
  stop(host: RemoteHost, handle: string): Promise<void>;
  kill(host: RemoteHost, handle: string): Promise<void>;
  /** Remove what the runtime keeps after exit (a stopped container); the output stays. */
  cleanup(host: RemoteHost, handle: string): Promise<void>;
}

export function envFileContent(env: Record<string, string>): string {
  return Object.entries(env)
    .map(([name, value]) => {
      if (/[\n\r\0]/.test(value)) {
        throw new Error(`environment value of ${name} contains a newline or NUL`);
      }
      return `${name}=${value}\n`;
    })
    .join("");
}
