import { readFile } from "node:fs/promises";
import type { Readable } from "node:stream";
import ssh2 from "ssh2";
import type { AuthMethod, Client as SshClient, ConnectConfig } from "ssh2";
import { InfraError, remoteError, type TunectlError } from "../errors/index.js";
import { type Reporter } from "../report/index.js";
import { handshakeGate } from "./handshake-gate.js";
import { certifiedKey } from "./host-certificate.js";
import { checkHostKey, hostKeyError, preferredHostKeyAlgorithms } from "./host-key-check.js";
import type { SshTarget } from "./inventory.js";
import {
  appendKnownHost,
  entryMatches,
  fingerprint,
  knownHostsName,
  readKnownHosts,
} from "./known-hosts.js";
import { proxyFailed, startProxyCommand, type ProxyProcess } from "./proxy-command.js";
import { sshHostKeyAccepted } from "./events.js";

export interface ConnectSettings {
  knownHostsFiles: string[];
  knownHostsWriteFile: string;
  acceptNewHostKey: boolean;
  connectTimeoutMs: number;
  keepaliveIntervalMs: number;
  keepaliveCountMax: number;
  /** ssh-agent socket (SSH_AUTH_SOCK), tried before key files. */
  agent?: string;
  /** OpenSSH, for hosts whose known_hosts trust is a @cert-authority line. */
  openssh?: { ssh: string; configFile?: string } | null;
  reporter: Reporter;
}

/** An open connection; `close()` also closes the jump connections beneath it. */
export interface SshConnection {
  client: SshClient;
  close(): void;
}

async function authMethods(target: SshTarget, agent: string | undefined) {
  const methods: AuthMethod[] = [];
  const skipped: string[] = [];
  if (agent) methods.push({ type: "agent", username: target.user, agent } as AuthMethod);
  for (const file of target.identityFiles) {
    let key: Buffer;
    try {
      key = await readFile(file);
    } catch {
      skipped.push(`${file} (not readable)`);
      continue;
    }
    const parsed = ssh2.utils.parseKey(key);
    if (parsed instanceof Error) {
      skipped.push(`${file} (${parsed.message})`);
      continue;
    }
    methods.push({ type: "publickey", username: target.user, key } as AuthMethod);
  }
  return { methods, skipped };
}

function describeTarget(target: SshTarget): string {
  return `host ${target.label} (${target.user}@${target.address}:${target.port})`;
}

/**
 * Open one hop: TCP (or `sock`: through the previous hop, or a ProxyCommand's stdio), host key
 * check, authentication; at most a few handshakes to one sshd at once (handshake-gate.ts).
 */
function connectHop(target: SshTarget, settings: ConnectSettings, sock?: Readable) {
  return handshakeGate.run(`${target.address}:${target.port}`, () =>
    handshake(target, settings, sock),
  );
}

async function handshake(
  target: SshTarget,
  settings: ConnectSettings,
  sock?: Readable,
  proxy?: { command: string; process: ProxyProcess },
): Promise<SshClient> {
  const name = knownHostsName(target.address, target.port);
  const entries = await readKnownHosts(settings.knownHostsFiles);
  // IdentityAgent from ssh_config: a socket, or `none`; otherwise SSH_AUTH_SOCK.
  const agent = target.agent === null ? undefined : (target.agent ?? settings.agent);
  const { methods, skipped } = await authMethods(target, agent);
  if (methods.length === 0) {
    throw new InfraError(`${describeTarget(target)}: no usable SSH key and no ssh-agent`, {
      code: "ssh.no_credentials",
      hint: `tried ${skipped.join(", ") || "nothing"}; set identity_file for this host or start ssh-agent`,
    });
  }
  let refused: TunectlError | undefined;
  const client = new ssh2.Client();

  const config: ConnectConfig = {
    host: target.address,
    port: target.port,
    username: target.user,
    readyTimeout: settings.connectTimeoutMs,
    keepaliveInterval: settings.keepaliveIntervalMs,
    keepaliveCountMax: settings.keepaliveCountMax,
    authHandler: methods,
    algorithms: { serverHostKey: preferredHostKeyAlgorithms(entries, name) as never },
    hostVerifier: (key: Buffer, verify: (ok: boolean) => void) => {
      const verdict = checkHostKey(entries, name, key);
      if (verdict.kind === "known") return verify(true);
      const authority = entries.find(
        (entry) => entry.marker === "@cert-authority" && entryMatches(entry, name),
      );
      if (verdict.kind === "unknown" && authority) {
        certifiedKey(target, settings, name, key).then(
          (error) => {
            if (error) refused = error;
            verify(error === undefined);
          },
          (error: unknown) => {
            refused = new InfraError(`host ${target.label}: could not check its host certificate`, {
              code: "ssh.host_certificate_invalid",
              cause: error,
            });
            verify(false);
          },
        );
        return;
      }
      if (verdict.kind === "unknown" && settings.acceptNewHostKey) {
        appendKnownHost(settings.knownHostsWriteFile, name, key).then(
          () => {
            sshHostKeyAccepted.emit(
              settings.reporter,
              `accepted new host key for ${target.label} (${name}) ${fingerprint(key)}, recorded in ${settings.knownHostsWriteFile}`,
              {
                host: target.label,
                name,
                fingerprint: fingerprint(key),
                file: settings.knownHostsWriteFile,
              },
            );
            verify(true);
          },
          (error: unknown) => {
            refused = new InfraError(
              `could not record the host key of ${target.label} in ${settings.knownHostsWriteFile}`,
              { code: "ssh.known_hosts_write", cause: error },
            );
            verify(false);
          },
        );
        return;
      }
      refused = hostKeyError(target.label, name, key, verdict, settings.knownHostsWriteFile);
      verify(false);
    },
    ...(sock ? { sock } : {}),
  };

  return new Promise<SshClient>((resolve, reject) => {
    let settled = false;
    const fail = (error: TunectlError) => {
      if (settled) return;
      settled = true;
      clearTimeout(guard);
      client.end();
      client.destroy();
      reject(error);
    };
    // ssh2's readyTimeout covers the handshake; this guard also bounds DNS and TCP stalls.
    const guard = setTimeout(
      () =>
        fail(
          new InfraError(
            `${describeTarget(target)}: no answer within ${settings.connectTimeoutMs} ms`,
            {
              code: "ssh.unreachable",
              hint: "check the host's address and network, or raise the connect timeout",
            },
          ),
        ),
      settings.connectTimeoutMs + 1000,
    );
    client.on("ready", () => {
      if (settled) return;
      settled = true;
      clearTimeout(guard);
      resolve(client);
    });
    const proxyError = () =>
      proxy && proxy.process.stderr() !== ""
        ? proxyFailed(target.label, proxy.command, proxy.process.stderr())
        : undefined;
    client.on("error", (error: Error & { level?: string }) => {
      if (refused) return fail(refused);
      const viaProxy = error.level === "client-authentication" ? undefined : proxyError();
      if (viaProxy) return fail(viaProxy);
      if (error.level === "client-authentication") {
        const keys = target.identityFiles.join(", ");
        return fail(
          new InfraError(
            `${describeTarget(target)}: authentication failed for user ${target.user} (tried ${agent ? "ssh-agent, " : ""}${keys})`,
            {
              code: "ssh.auth_failed",
              hint: "check `user` and `identity_file` for this host in tunectl.yaml (or ~/.ssh/config), or load the key into ssh-agent",
              data: { host: target.label, user: target.user, keys: target.identityFiles, skipped },
              cause: error,
            },
          ),
        );
      }
      fail(
        remoteError(
          describeTarget(target),
          `${error.message} ${(error as NodeJS.ErrnoException).code ?? ""}`,
          error,
        ),
      );
    });
    client.on("close", () => {
      if (refused) return fail(refused);
      const viaProxy = proxyError();
      if (viaProxy) return fail(viaProxy);
      fail(
        new InfraError(`${describeTarget(target)}: connection closed during the handshake`, {
          code: "ssh.unreachable",
        }),
      );
    });
    client.connect(config);
  });
}

function forwardOut(client: SshClient, target: SshTarget): Promise<Readable> {
  return new Promise((resolve, reject) => {
    client.forwardOut("127.0.0.1", 0, target.address, target.port, (error, stream) => {
      if (error) {
        reject(
          new InfraError(
            `${describeTarget(target)}: the jump host could not reach it (${error.message})`,
            {
              code: "ssh.unreachable",
              cause: error,
            },
          ),
        );
      } else resolve(stream);
    });
  });
}

/** Connect through every ProxyJump hop, then to the target. */
export async function connectSsh(
  target: SshTarget,
  settings: ConnectSettings,
): Promise<SshConnection> {
  const opened: SshClient[] = [];
  const closeAll = () => opened.reverse().forEach((client) => client.end());
  try {
    let previous: SshClient | undefined;
    for (const hop of [...target.jumps, target]) {
      if (previous) {
        previous = await connectHop(hop, settings, await forwardOut(previous, hop));
      } else if (hop.proxyCommand) {
        previous = await connectThroughProxy(hop, hop.proxyCommand, settings);
      } else {
        previous = await connectHop(hop, settings);
      }
      opened.push(previous);
    }
    const client = previous!;
    // A jump host dropping takes the target's connection with it.
    opened.slice(0, -1).forEach((jump) => jump.on("close", () => client.end()));
    return { client, close: closeAll };
  } catch (error) {
    closeAll();
    throw error;
  }
}

/** The first hop through its ProxyCommand (started once the gate admits the handshake). */
function connectThroughProxy(
  hop: SshTarget,
  command: string,
  settings: ConnectSettings,
): Promise<SshClient> {
  return handshakeGate.run(`${hop.address}:${hop.port}`, async () => {
    const process = await startProxyCommand(command, {
      host: hop.address,
      port: hop.port,
      user: hop.user,
      alias: hop.alias,
    });
    try {
      const client = await handshake(hop, settings, process.stream, { command, process });
      client.on("close", () => process.stop());
      return client;
    } catch (error) {
      process.stop();
      throw error;
    }
  });
}
