import { declareEvent } from "../report/index.js";

/** A host trusted through a @cert-authority line: OpenSSH checked its certificate. */
export const hostCertificateAccepted = declareEvent<{
  host: string;
  name: string;
  fingerprint: string;
  id: string;
  ca: string;
}>({
  code: "ssh.host_certificate_accepted",
  level: "debug",
  description:
    "A host key accepted because OpenSSH verified the host's certificate against a @cert-authority line of known_hosts.",
});

export const sshConnect = declareEvent<{ host: string }>({
  code: "ssh.connect",
  level: "debug",
  description: "an SSH connection to a host is being opened",
});

export const sshConnected = declareEvent<{ host: string; ms: number }>({
  code: "ssh.connected",
  level: "debug",
  description: "the SSH handshake with a host finished (ms: how long it took)",
});

export const sshConnectionError = declareEvent<{ host: string }>({
  code: "ssh.connection_error",
  level: "debug",
  description: "an open SSH connection reported an error; the pool reconnects on next use",
});

export const sshHostKeyAccepted = declareEvent<{
  host: string;
  name: string;
  fingerprint: string;
  file: string;
}>({
  code: "ssh.host_key_accepted",
  level: "warn",
  description: "an unknown host key was recorded in known_hosts (--accept-new-host-key)",
});
