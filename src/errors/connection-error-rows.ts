import type { RemoteErrorRow } from "./remote-error-table.js";

/** How ssh, ssh2 and curl on a host say a connection failed. */
export const connectionErrorRows: RemoteErrorRow[] = [
  {
    code: "ssh.host_key_changed",
    kind: "infra",
    pattern:
      /REMOTE HOST IDENTIFICATION HAS CHANGED|Host key for (?<host>\S+) has changed and you have requested strict checking/,
    message: (g) =>
      `${g.host ?? "the host"} presented a different host key than the one recorded in known_hosts`,
    resolution: "verify the host out of band, then remove the old key from known_hosts",
  },
  {
    code: "ssh.host_key_unknown",
    kind: "infra",
    pattern: /No (?<type>\S+) host key is known for (?<host>\S+) and you have requested strict/,
    message: (g) => `no ${g.type} host key for ${g.host} in known_hosts`,
    resolution:
      "check the key's fingerprint with the host's owner, then rerun with --accept-new-host-key",
  },
  {
    code: "ssh.auth_failed",
    kind: "infra",
    pattern:
      /All configured authentication methods failed|(?:(?<login>\S+): )?Permission denied \((?<methods>[a-z,-]+)\)/,
    message: (g) =>
      `the host refused our SSH key${g.login ? ` for ${g.login}` : ""}${g.methods ? ` (it accepts ${g.methods})` : ""}`,
    resolution:
      "check `user` and `identity_file` for this host in tunectl.yaml, or load the key into ssh-agent",
  },
  {
    code: "ssh.connection_refused",
    kind: "infra",
    pattern:
      /ssh: connect to host (?<host>\S+) port (?<port>\d+): Connection refused|\bECONNREFUSED\b(?: (?<address>\d\S*))?/,
    message: (g) =>
      `connection refused by ${g.host ? `${g.host} port ${g.port}` : (g.address ?? "the host")}`,
    resolution: "is sshd running on the host and listening on the configured `port`?",
  },
  {
    code: "ssh.unreachable",
    kind: "infra",
    pattern:
      /Timed out while waiting for handshake|ssh: connect to host (?<host>\S+) port \d+: (?<why>Connection timed out|No route to host|Network is unreachable)|Connection to (?<host2>\S+) port \d+ timed out|\b(?<code>ETIMEDOUT|EHOSTUNREACH|ENETUNREACH)\b(?: (?<address>\d\S*))?/,
    message: (g) =>
      `${g.host ?? g.host2 ?? g.address ?? "the host"} is unreachable${g.why ? ` (${g.why.toLowerCase()})` : g.code ? ` (${g.code})` : ""}`,
    resolution:
      "check the host's address and network; tunectl retries on its own while a run is attached",
  },
  {
    code: "ssh.unknown_address",
    kind: "user",
    pattern:
      /ssh: Could not resolve hostname (?<host>[^\s:]+)|\b(?:ENOTFOUND|EAI_AGAIN)\b(?: (?<name>[^\s:]+))?/,
    message: (g) =>
      `the host address ${g.host ?? g.name ?? ""} does not resolve`.replace("  ", " "),
    resolution: "fix `address` in tunectl.yaml or the alias in ~/.ssh/config",
  },
  {
    code: "host.storage_unreachable",
    kind: "infra",
    pattern:
      /curl: \(6\) Could not resolve host: (?<host>\S+)|curl: \(7\) Failed to connect to (?<address>\S+ port \d+)|curl: \(28\) (?<timeout>.+)/,
    message: (g) =>
      `the host cannot reach the object store${g.host ? `: ${g.host} does not resolve there` : g.address ? ` at ${g.address}` : ` in time (${g.timeout})`}`,
    resolution:
      "hosts download data through presigned URLs: make `storage.endpoint` an address the host can reach",
  },
  {
    code: "host.storage_refused",
    kind: "infra",
    pattern: /curl: \(22\) The requested URL returned error: (?<status>4\d\d)/,
    message: (g) => `the object store refused the host's download (HTTP ${g.status})`,
    resolution:
      "a presigned URL expired or was refused; launch again, and check the bucket's policy",
  },
];
