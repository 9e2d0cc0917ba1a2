import os from "node:os";
import path from "node:path";
import type { HostConfig, WorkspaceConfig } from "../config/index.js";
import { UserError } from "../errors/index.js";
import { createAliasResolver } from "./host-resolver.js";

/** Where and how to open an SSH connection to one host, after ssh_config is applied. */
export interface SshTarget {
  /** The name people know the host by (inventory name, or the jump alias). */
  label: string;
  address: string;
  port: number;
  user: string;
  /** Private keys to try in order (files that do not exist are skipped). */
  identityFiles: string[];
  /** Hops to go through first, outermost first. */
  jumps: SshTarget[];
  /** The alias looked up in ssh_config (`%n` in ProxyCommand). */
  alias: string;
  /** ssh-agent socket from IdentityAgent; null = none; absent = SSH_AUTH_SOCK. */
  agent?: string | null;
  /** ProxyJump as configured (`[user@]host[:port],...`), when there are jumps. */
  proxyJump?: string;
  /** ProxyCommand as configured (tokens expanded at connect time); only on the first hop. */
  proxyCommand?: string;
  /** CertificateFile entries (reported; ssh2 cannot authenticate with certificates). */
  certificateFiles: string[];
  /** Whether `ssh -G` or the built-in ssh_config parser resolved this host. */
  resolvedBy: "openssh" | "builtin";
}

export interface InventoryHost {
  name: string;
  config: HostConfig;
  /** null for the embedded host (`address: local`): this machine, no SSH. */
  ssh: SshTarget | null;
}

export interface Inventory {
  hosts: InventoryHost[];
  /** known_hosts files checked in order: the workspace's, ssh_config's, ~/.ssh/known_hosts. */
  knownHostsFiles: string[];
  /** Where --accept-new-host-key records a key. */
  knownHostsWriteFile: string;
  /** OpenSSH as the inventory asked it (host certificates are checked the same way). */
  openssh: { ssh: string; configFile?: string } | null;
}

export interface InventoryInputs {
  root: string;
  config: WorkspaceConfig;
  /** Home directory for ~/.ssh (defaults to the user's). */
  home?: string;
  /** Login name when neither tunectl.yaml nor ssh_config gives a user. */
  localUser?: string;
  /** The ssh binary for `ssh -G`; undefined = `ssh` on PATH if any; null = built-in parser. */
  openssh?: string | null;
}

/** IdentityAgent's value as a socket path: `none` -> null, SSH_AUTH_SOCK or `$VAR` -> env. */
function agentSocket(value: string | undefined): string | null | undefined {
  if (value === undefined || value === "SSH_AUTH_SOCK") return undefined;
  if (value === "none") return null;
  if (value.startsWith("$")) return process.env[value.slice(1).replace(/^\{|\}$/g, "")] ?? null;
  return value;
}

const defaultIdentityFiles = ["id_ed25519", "id_ecdsa", "id_rsa"];

/** Parse `[user@]host[:port]` hops of a ProxyJump value. */
function parseJumpSpec(spec: string): Array<{ user?: string; host: string; port?: number }> {
  if (spec === "none") return [];
  return spec.split(",").map((hop) => {
    const match = /^(?:([^@]+)@)?(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(hop.trim());
    if (!match) throw new Error(`bad ProxyJump hop "${hop}"`);
    return {
      ...(match[1] ? { user: match[1] } : {}),
      host: match[2]!.replace(/^\[|\]$/g, ""),
      ...(match[3] ? { port: Number(match[3]) } : {}),
    };
  });
}

export async function loadInventory(inputs: InventoryInputs): Promise<Inventory> {
  const home = inputs.home ?? os.homedir();
  const localUser = inputs.localUser ?? os.userInfo().username;
  const fromRoot = (file: string) =>
    path.resolve(inputs.root, file.startsWith("~/") ? path.join(home, file.slice(2)) : file);
  const sshConfigFile = inputs.config.ssh_config
    ? fromRoot(inputs.config.ssh_config)
    : path.join(home, ".ssh", "config");
  const resolver = await createAliasResolver({
    ...(inputs.config.ssh_config ? { configFile: sshConfigFile } : {}),
    home,
    ...(inputs.openssh !== undefined ? { openssh: inputs.openssh } : {}),
  });
  const resolve = resolver.resolve;
  const userKnownHosts = path.join(home, ".ssh", "known_hosts");
  const workspaceKnownHosts = inputs.config.known_hosts
    ? fromRoot(inputs.config.known_hosts)
    : undefined;
  const fromSshConfig = new Set<string>();

  const target = async (
    label: string,
    alias: string,
    explicit: { user?: string; port?: number; identityFile?: string; proxyJump?: string },
    depth: number,
  ): Promise<SshTarget> => {
    const found = await resolve(alias, {
      ...(explicit.user ? { user: explicit.user } : {}),
      ...(explicit.port ? { port: explicit.port } : {}),
    });
    found.userKnownHostsFiles.forEach((file) => fromSshConfig.add(fromRoot(file)));
    const identityFiles = explicit.identityFile
      ? [fromRoot(explicit.identityFile)]
      : found.identityFiles.length > 0
        ? found.identityFiles.map(fromRoot)
        : defaultIdentityFiles.map((file) => path.join(home, ".ssh", file));
    const jumpSpec = explicit.proxyJump ?? found.proxyJump;
    if (jumpSpec && depth > 4) {
      throw new UserError(`host ${label}: ProxyJump chain deeper than 4 hops (a loop?)`, {
        code: "hosts.proxy_jump_loop",
      });
    }
    const jumps: SshTarget[] = [];
    for (const hop of jumpSpec ? parseJumpSpec(jumpSpec) : []) {
      const hopTarget = await target(
        hop.host,
        hop.host,
        { user: hop.user, port: hop.port },
        depth + 1,
      );
      jumps.push(...hopTarget.jumps, { ...hopTarget, jumps: [] });
    }
    const agent = agentSocket(found.identityAgent);
    // An explicit proxy_jump in tunectl.yaml replaces whatever proxy ssh_config names.
    const proxyCommand = explicit.proxyJump || jumps.length > 0 ? undefined : found.proxyCommand;
    return {
      label,
      alias,
      address: found.hostName ?? alias,
      port: explicit.port ?? found.port ?? 22,
      user: explicit.user ?? found.user ?? localUser,
      identityFiles,
      jumps,
      ...(agent !== undefined ? { agent } : {}),
      ...(proxyCommand ? { proxyCommand } : {}),
      ...(jumpSpec && jumps.length > 0 ? { proxyJump: jumpSpec } : {}),
      certificateFiles: found.certificateFiles,
      resolvedBy: found.resolvedBy,
    };
  };

  // `ssh -G` is a process per host: start them a few at a time, then build the targets in
  // inventory order from the answers (the resolver remembers them).
  const remote = inputs.config.hosts.filter((h) => (h.address ?? h.name) !== "local");
  for (let i = 0; i < remote.length; i += 8) {
    await Promise.all(
      remote.slice(i, i + 8).map((h) =>
        resolve(h.address ?? h.name, {
          ...(h.user ? { user: h.user } : {}),
          ...(h.port ? { port: h.port } : {}),
        }).catch(() => undefined),
      ),
    );
  }
  const hosts: InventoryHost[] = [];
  for (const [index, config] of inputs.config.hosts.entries()) {
    const address = config.address ?? config.name;
    if (address === "local") {
      hosts.push({ name: config.name, config, ssh: null });
      continue;
    }
    try {
      hosts.push({
        name: config.name,
        config,
        ssh: await target(
          config.name,
          address,
          {
            user: config.user,
            port: config.port,
            identityFile: config.identity_file,
            proxyJump: config.proxy_jump,
          },
          0,
        ),
      });
    } catch (error) {
      if (error instanceof UserError) throw error;
      throw new UserError(`host ${config.name}: ${(error as Error).message}`, {
        code: "hosts.bad_proxy_jump",
        problems: [{ message: (error as Error).message, path: `hosts[${index}].proxy_jump` }],
        cause: error,
      });
    }
  }

  const knownHostsFiles = [
    ...(workspaceKnownHosts ? [workspaceKnownHosts] : []),
    ...fromSshConfig,
    userKnownHosts,
  ].filter((file, i, all) => all.indexOf(file) === i);
  return {
    hosts,
    knownHostsFiles,
    knownHostsWriteFile: workspaceKnownHosts ?? userKnownHosts,
    openssh: resolver.openssh,
  };
}
