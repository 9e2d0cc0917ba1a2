import type { HostConfig } from "../config/index.js";
import { InfraError, UserError } from "../errors/index.js";
import type { HostPool } from "./host-pool.js";
import type { RemoteHost } from "./remote-host.js";

/** A host config with the inventory's defaults, for fakes and tests. */
export function fakeHostConfig(name: string, extra: Partial<HostConfig> = {}): HostConfig {
  return {
    name,
    address: name,
    runtime: "docker",
    gpus: "auto",
    workdir: `/work/${name}`,
    python: "python3",
    ...extra,
  } as HostConfig;
}

/**
 * A hand-written HostPool over given RemoteHost objects (fakes or LocalHosts). A host marked
 * `unreachable` fails `get` the way a host behind a cut link does.
 */
export class FakeHostPool implements HostPool {
  readonly unreachable = new Set<string>();
  /** Runs before every `get`: a test's hook to act while placement asks for a host. */
  beforeGet?: (name: string) => Promise<void> | void;
  private readonly entries: Map<string, { host: RemoteHost; config: HostConfig }>;

  constructor(hosts: Array<{ host: RemoteHost; config?: HostConfig }>) {
    this.entries = new Map(
      hosts.map(({ host, config }) => [
        host.name,
        { host, config: config ?? fakeHostConfig(host.name) },
      ]),
    );
  }

  names(): string[] {
    return [...this.entries.keys()];
  }

  config(name: string): HostConfig {
    const entry = this.entries.get(name);
    if (!entry) throw new UserError(`unknown host "${name}"`, { code: "hosts.unknown" });
    return entry.config;
  }

  address(name: string): string {
    return this.config(name).address ?? name;
  }

  async get(name: string): Promise<RemoteHost> {
    await this.beforeGet?.(name);
    const entry = this.entries.get(name);
    if (!entry) throw new UserError(`unknown host "${name}"`, { code: "hosts.unknown" });
    if (this.unreachable.has(name)) {
      throw new InfraError(`${name}: connection timed out`, { code: "ssh.unreachable" });
    }
    return entry.host;
  }

  async closeAll(): Promise<void> {}
}
