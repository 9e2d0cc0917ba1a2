import type { LifecycleEvent } from "./lifecycle-event.js";
import type { NewRun } from "./run-registry.js";
import type { RunPaths } from "./run-paths.js";
import type { RunEvent, RunRecord } from "./run-record.js";

/** The registry as launch, monitor and the supervisor use it (the composition root passes it in). */
export interface RunRegistryPort {
  readonly runsDir: string;
  paths(id: string): RunPaths;
  create(spec: NewRun): Promise<RunRecord>;
  get(id: string): Promise<RunRecord>;
  list(): Promise<RunRecord[]>;
  resolve(ref: string): Promise<RunRecord>;
  apply(id: string, event: LifecycleEvent, message?: string): Promise<RunRecord>;
  events(id: string): Promise<RunEvent[]>;
  configYaml(id: string): Promise<string>;
}
