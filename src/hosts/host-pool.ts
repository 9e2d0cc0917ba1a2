import type { HostConfig, WorkspaceConfig } from "../config/index.js";
import { UserError } from "../errors/index.js";
import { silentReporter, type Reporter } from "../report/index.js";
import { loadInventory, type Inventory, type InventoryHost } from "./inventory.js";
import { LocalHost } from "./local-host.js";
import type { RemoteHost } from "./remote-host.js";
import { connectSsh } from "./ssh-connect.js";
import { SshHost } from "./ssh-host.js";
import { sshConnect, sshConnected, sshConnectionError } from "./events.js";

export interface HostPoolOptions {
  workspace: { root: string; config: WorkspaceConfig };
  reporter?: Reporter;
  /** Record unknown host keys instead of refusing them (never changed ones). */
  acceptNewHostKey?: boolean;
  /** TCP + handshake + authentication, per hop. Default 10 s. */
  connectTimeoutMs?: number;
  /** SSH keepalive; the connection is declared dead after `count` missed. Default 5 s x 3. */
  keepaliveIntervalMs?: number;
  keepaliveCountMax?: number;
  /** ssh-agent socket; default SSH_AUTH_SOCK; "" uses no agent. */
  agent?: string;
  /** Home directory for ~/.ssh; default the user's. */
  home?: string;
  /** Concurrent channels per connection (sshd's MaxSessions is 10). Default 8. */
  maxChannels?: number;
}

export interface HostPool {
  /** Inventory order. */
  names(): string[];
  config(name: string): HostConfig;
  /** Where the host is reached, for display: `user@address:port`, or `local`. */
  address(name: string): string;
  /** The host, connected (errors are InfraError with an `ssh.*` code). Reconnects on demand. */
  get(name: string): Promise<RemoteHost>;
  closeAll(): Promise<void>;
}

export async function createHostPool(options: HostPoolOptions): Promise<HostPool> {
  const reporter = options.reporter ?? silentReporter;
  const inventory: Inventory = await loadInventory({
    root: options.workspace.root,
    config: options.workspace.config,
    ...(options.home ? { home: options.home } : {}),
  });
  const byName = new Map(inventory.hosts.map((host) => [host.name, host]));
  const hosts = new Map<string, LocalHost | SshHost>();
  const settings = {
    knownHostsFiles: inventory.knownHostsFiles,
    knownHostsWriteFile: inventory.knownHostsWriteFile,
    acceptNewHostKey: options.acceptNewHostKey ?? false,
    connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
    keepaliveIntervalMs: options.keepaliveIntervalMs ?? 5_000,
    keepaliveCountMax: options.keepaliveCountMax ?? 3,
    agent: options.agent ?? process.env.SSH_AUTH_SOCK ?? undefined,
    openssh: inventory.openssh,
    reporter,
  };

  const entry = (name: string): InventoryHost => {
    const found = byName.get(name);
    if (!found) {
      throw new UserError(`unknown host "${name}"`, {
        code: "hosts.unknown",
        hint: `hosts in tunectl.yaml: ${[...byName.keys()].join(", ") || "(none)"}`,
      });
    }
    return found;
  };

  const hostFor = (name: string): LocalHost | SshHost => {
    const existing = hosts.get(name);
    if (existing) return existing;
    const { ssh } = entry(name);
    const created = ssh
      ? new SshHost(
          name,
          async () => {
            const started = Date.now();
            sshConnect.emit(reporter, `connecting to ${name} (${ssh.address}:${ssh.port})`, {
              host: name,
            });
            const connection = await connectSsh(ssh, settings);
            sshConnected.emit(reporter, `connected to ${name} in ${Date.now() - started} ms`, {
              host: name,
              ms: Date.now() - started,
            });
            connection.client.on("error", (error: Error) =>
              sshConnectionError.emit(reporter, `${name}: ${error.message}`, {
                host: name,
              }),
            );
            return connection;
          },
          options.maxChannels,
        )
      : new LocalHost(name, options.workspace.root);
    hosts.set(name, created);
    return created;
  };

  return {
    names: () => inventory.hosts.map((host) => host.name),
    config: (name) => entry(name).config,
    address(name) {
      const { ssh } = entry(name);
      return ssh ? `${ssh.user}@${ssh.address}:${ssh.port}` : "local";
    },
    async get(name) {
      const host = hostFor(name);
      if (host instanceof SshHost) await host.client();
      return host;
    },
    async closeAll() {
      await Promise.all([...hosts.values()].map((host) => host.close()));
      hosts.clear();
    },
  };
}
