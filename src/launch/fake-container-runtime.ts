import type { RemoteHost } from "../hosts/index.js";
import type { RuntimeKind } from "../runs/index.js";
import type { AttemptProbe, ContainerRuntime, LaunchSpec } from "./container-runtime.js";
import { containerName } from "./host-layout.js";

export interface RuntimeCall {
  op: "start" | "probe" | "stop" | "kill" | "cleanup";
  host: string;
  handle: string;
}

/**
 * A hand-written fake of the ContainerRuntime port for unit tests: it starts nothing, records
 * every call, and answers probes from what happened to each handle (running until stopped or
 * killed) or from what a test scripted with `exit`, `vanish` or `failNext`.
 */
export class FakeContainerRuntime implements ContainerRuntime {
  readonly calls: RuntimeCall[] = [];
  readonly started: LaunchSpec[] = [];
  private readonly states = new Map<string, AttemptProbe>();
  private failures = new Map<RuntimeCall["op"], Error>();
  /** Runs inside `start`, before it returns: a test's hook to act while the launch is mid-way. */
  onStart?: (spec: LaunchSpec) => Promise<void> | void;
  /** What SIGTERM does: the trainer checkpoints and exits 75 (default), keeps running, or vanishes. */
  onStop: number | "ignored" | "vanish" = 75;

  constructor(readonly kind: RuntimeKind = "docker") {}

  /** Deterministic like docker's container names, so an attempt's handle can be found again. */
  handleFor(runId: string, attempt: number): string {
    return containerName(runId, attempt);
  }

  /** The trainer behind `handle` exits with `code`. */
  exit(handle: string, code: number): void {
    this.states.set(handle, { state: "exited", exitCode: code });
  }

  /** The job behind `handle` waits in (or runs under) a scheduler that reports `state` and `reason`. */
  schedule(handle: string, state: string, reason?: string): void {
    this.states.set(handle, {
      state: "running",
      scheduler: { state, ...(reason ? { reason } : {}) },
    });
  }

  /** The scheduler runs the job behind `handle` again (once), as the next attempt. */
  requeue(handle: string, how: "stopped" | "gone", resumeFrom?: string): void {
    this.states.set(handle, {
      state: "requeued",
      how,
      detail: `job ${handle}`,
      ...(resumeFrom ? { resumeFrom } : {}),
    });
  }

  /** The trainer behind `handle` disappears without an exit status. */
  vanish(handle: string): void {
    this.states.set(handle, { state: "gone" });
  }

  /** The next call of `op` throws `error`. */
  failNext(op: RuntimeCall["op"], error: Error): void {
    this.failures.set(op, error);
  }

  stateOf(handle: string): AttemptProbe | undefined {
    return this.states.get(handle);
  }

  ops(handle?: string): string[] {
    return this.calls.filter((c) => handle === undefined || c.handle === handle).map((c) => c.op);
  }

  private record(op: RuntimeCall["op"], host: RemoteHost, handle: string): void {
    this.calls.push({ op, host: host.name, handle });
    const failure = this.failures.get(op);
    if (failure) {
      this.failures.delete(op);
      throw failure;
    }
  }

  async start(host: RemoteHost, spec: LaunchSpec): Promise<string> {
    const handle = this.handleFor(spec.runId, spec.attempt);
    this.record("start", host, handle);
    this.started.push(spec);
    this.states.set(handle, { state: "running" });
    await this.onStart?.(spec);
    return handle;
  }

  async probe(host: RemoteHost, handle: string): Promise<AttemptProbe> {
    this.record("probe", host, handle);
    const state = this.states.get(handle) ?? { state: "gone" };
    // a requeued job runs again as the next attempt under the same handle
    if (state.state === "requeued") this.states.set(handle, { state: "running" });
    return state;
  }

  async stop(host: RemoteHost, handle: string): Promise<void> {
    this.record("stop", host, handle);
    if (this.states.get(handle)?.state !== "running" || this.onStop === "ignored") return;
    if (this.onStop === "vanish") this.vanish(handle);
    else this.exit(handle, this.onStop);
  }

  async kill(host: RemoteHost, handle: string): Promise<void> {
    this.record("kill", host, handle);
    if (this.states.get(handle)?.state === "running") this.exit(handle, 137);
  }

  async cleanup(host: RemoteHost, handle: string): Promise<void> {
    this.record("cleanup", host, handle);
    this.states.delete(handle);
  }
}
