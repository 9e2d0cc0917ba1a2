import { execFile } from "node:child_process";
import { InfraError, type TunectlError } from "../errors/index.js";
import type { Reporter } from "../report/index.js";
import { hostCertificateAccepted } from "./events.js";
import type { SshTarget } from "./inventory.js";
import { fingerprint } from "./known-hosts.js";

/**
 * Host certificates (`@cert-authority` lines in known_hosts). ssh2 cannot negotiate
 * certificate host keys, so OpenSSH checks the certificate: `ssh -v` with only certificate
 * host key algorithms and no authentication verifies the CA signature, principals and validity
 * against the same known_hosts files, and reports the certified key's fingerprint. ssh2 then
 * accepts exactly that key, whose private half the host proves it holds in its own handshake.
 */
export interface CertificateQuery {
  ssh: string;
  /** `-F`; absent = OpenSSH's own config. Proxies in it apply, as for the connection. */
  configFile?: string;
  alias: string;
  user: string;
  port: number;
  /** tunectl.yaml's proxy_jump, given as -J. */
  proxyJump?: string;
  knownHostsFiles: string[];
  timeoutMs: number;
}

export type CertificateVerdict =
  | { kind: "certified"; fingerprint: string; id: string; ca: string }
  | { kind: "refused"; reason: string };

const certificateAlgorithms = [
  "ssh-ed25519-cert-v01@openssh.com",
  "ecdsa-sha2-nistp256-cert-v01@openssh.com",
  "ecdsa-sha2-nistp384-cert-v01@openssh.com",
  "ecdsa-sha2-nistp521-cert-v01@openssh.com",
  "rsa-sha2-512-cert-v01@openssh.com",
  "rsa-sha2-256-cert-v01@openssh.com",
];

const quoted = (file: string) => `"${file.replace(/"/g, "")}"`;

/** Read OpenSSH's verdict from its debug output. */
export function parseCertificateCheck(stderr: string): CertificateVerdict {
  const cert =
    /Server host certificate: \S+ (SHA256:[A-Za-z0-9+/]+), serial \d+ ID "([^"]*)" CA \S+ (SHA256:[A-Za-z0-9+/]+)/.exec(
      stderr,
    );
  const matched = /is known and matches the \S+ host certificate/.test(stderr);
  if (cert && matched)
    return { kind: "certified", fingerprint: cert[1]!, id: cert[2]!, ca: cert[3]! };
  const said = stderr
    .split("\n")
    .filter(
      (line) => !line.startsWith("debug") && !line.startsWith("OpenSSH_") && line.trim() !== "",
    )
    .join("; ");
  return { kind: "refused", reason: said || "OpenSSH did not accept the host certificate" };
}

export function checkHostCertificate(query: CertificateQuery): Promise<CertificateVerdict> {
  const args = [
    "-v",
    ...(query.configFile ? ["-F", query.configFile] : []),
    ...(query.proxyJump ? ["-J", query.proxyJump] : []),
    "-l",
    query.user,
    "-p",
    String(query.port),
    "-o",
    "BatchMode=yes",
    "-o",
    "PreferredAuthentications=none",
    "-o",
    "StrictHostKeyChecking=yes",
    "-o",
    "UpdateHostKeys=no",
    "-o",
    "CheckHostIP=no",
    "-o",
    `HostKeyAlgorithms=${certificateAlgorithms.join(",")}`,
    "-o",
    `UserKnownHostsFile=${query.knownHostsFiles.map(quoted).join(" ")}`,
    "-o",
    "GlobalKnownHostsFile=/dev/null",
    "-o",
    `ConnectTimeout=${Math.max(1, Math.ceil(query.timeoutMs / 1000))}`,
    "--",
    query.alias,
    "true",
  ];
  return new Promise((resolve) => {
    const child = execFile(
      query.ssh,
      args,
      { timeout: query.timeoutMs + 2000, env: { ...process.env, LC_ALL: "C" } },
      (_error, _stdout, stderr) => resolve(parseCertificateCheck(String(stderr))),
    );
    child.stdin?.end();
  });
}

/**
 * The key ssh2 was shown is accepted when OpenSSH verified the host's certificate against a
 * @cert-authority line and the certificate is for exactly this key (host-certificate.ts).
 */
export async function certifiedKey(
  target: Pick<SshTarget, "label" | "alias" | "user" | "port" | "proxyJump">,
  settings: {
    openssh?: { ssh: string; configFile?: string } | null;
    knownHostsFiles: string[];
    connectTimeoutMs: number;
    reporter: Reporter;
  },
  name: string,
  key: Buffer,
): Promise<TunectlError | undefined> {
  if (!settings.openssh) {
    return new InfraError(
      `host ${target.label} (${name}) is trusted through a @cert-authority line, which needs OpenSSH's ssh to check`,
      {
        code: "ssh.host_certificate_unsupported",
        hint: "install the OpenSSH client, or record the host's plain key in known_hosts",
      },
    );
  }
  const verdict = await checkHostCertificate({
    ssh: settings.openssh.ssh,
    ...(settings.openssh.configFile ? { configFile: settings.openssh.configFile } : {}),
    alias: target.alias,
    user: target.user,
    port: target.port,
    ...(target.proxyJump ? { proxyJump: target.proxyJump } : {}),
    knownHostsFiles: settings.knownHostsFiles,
    timeoutMs: settings.connectTimeoutMs,
  });
  if (verdict.kind === "certified" && verdict.fingerprint === fingerprint(key)) {
    hostCertificateAccepted.emit(
      settings.reporter,
      `host ${target.label}: certificate "${verdict.id}" signed by ${verdict.ca} for ${verdict.fingerprint}`,
      {
        host: target.label,
        name,
        fingerprint: verdict.fingerprint,
        id: verdict.id,
        ca: verdict.ca,
      },
    );
    return undefined;
  }
  const reason =
    verdict.kind === "certified"
      ? `the certificate is for ${verdict.fingerprint}, the host presented ${fingerprint(key)}`
      : verdict.reason;
  return new InfraError(`host ${target.label} (${name}): host certificate refused: ${reason}`, {
    code: "ssh.host_certificate_invalid",
    hint: "check the @cert-authority line in known_hosts and the host's HostCertificate (principals, validity)",
    data: { host: target.label, name, fingerprint: fingerprint(key) },
  });
}
