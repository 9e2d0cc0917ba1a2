import type { WorkspaceConfig } from "../config/index.js";
import { loadInventory, type SshTarget } from "./inventory.js";

/** One host as `tunectl hosts --resolve --json` prints it: what a connection would use. */
export interface ResolvedHost {
  name: string;
  /** false for the embedded host `local` (no SSH; every other field null or empty). */
  ssh: boolean;
  hostname: string | null;
  user: string | null;
  port: number | null;
  identity_files: string[];
  certificate_files: string[];
  /** The ssh-agent socket tried first, or null for none. */
  agent: string | null;
  proxy_command: string | null;
  proxy_jump: string | null;
  /** The hops as resolved, outermost first. */
  jumps: Array<{ name: string; hostname: string; user: string; port: number }>;
  resolved_by: "openssh" | "builtin" | null;
}

export interface ResolveHostsInputs {
  root: string;
  config: WorkspaceConfig;
  home?: string;
  openssh?: string | null;
  /** SSH_AUTH_SOCK, used where ssh_config names no IdentityAgent. */
  defaultAgent?: string;
}

function describe(name: string, ssh: SshTarget, defaultAgent: string | undefined): ResolvedHost {
  const agent = ssh.agent === undefined ? (defaultAgent ?? null) : ssh.agent;
  return {
    name,
    ssh: true,
    hostname: ssh.address,
    user: ssh.user,
    port: ssh.port,
    identity_files: ssh.identityFiles,
    certificate_files: ssh.certificateFiles,
    agent: agent === "" ? null : agent,
    proxy_command: ssh.proxyCommand ?? null,
    proxy_jump: ssh.proxyJump ?? null,
    jumps: ssh.jumps.map((hop) => ({
      name: hop.label,
      hostname: hop.address,
      user: hop.user,
      port: hop.port,
    })),
    resolved_by: ssh.resolvedBy,
  };
}

/** Every inventory host as ssh_config resolves it (OpenSSH's `ssh -G` when installed); no connection. */
export async function resolveHosts(inputs: ResolveHostsInputs): Promise<ResolvedHost[]> {
  const inventory = await loadInventory({
    root: inputs.root,
    config: inputs.config,
    ...(inputs.home ? { home: inputs.home } : {}),
    ...(inputs.openssh !== undefined ? { openssh: inputs.openssh } : {}),
  });
  return inventory.hosts.map((host) =>
    host.ssh
      ? describe(host.name, host.ssh, inputs.defaultAgent)
      : {
          name: host.name,
          ssh: false,
          hostname: null,
          user: null,
          port: null,
          identity_files: [],
          certificate_files: [],
          agent: null,
          proxy_command: null,
          proxy_jump: null,
          jumps: [],
          resolved_by: null,
        },
  );
}
