import type { Workspace } from "../config/index.js";
import type { HostPool } from "../hosts/index.js";
import type { Clock, Reporter } from "../report/index.js";
import type { RunRegistry } from "../runs/index.js";
import type { ObjectStore } from "../storage/index.js";

/** Everything launching, following, cancelling and reconciling runs needs, built by the CLI's composition root. */
export interface LaunchDeps {
  workspace: Workspace;
  registry: RunRegistry;
  hosts: HostPool;
  /** Created on first use: commands that never touch the bucket never load the AWS SDK. */
  store(): Promise<ObjectStore>;
  reporter: Reporter;
  clock: Clock;
  /** The local environment: secrets are read from here at launch, never stored. */
  env: Record<string, string | undefined>;
}
