import { InfraError } from "../errors/index.js";
import { entryMatches, fingerprint, keyTypeOf, type KnownHostEntry } from "./known-hosts.js";

export type HostKeyVerdict =
  | { kind: "known"; entry: KnownHostEntry }
  | { kind: "unknown" }
  | { kind: "changed"; entry: KnownHostEntry }
  | { kind: "revoked"; entry: KnownHostEntry };

/**
 * OpenSSH's rule: the key is accepted when a line for this host holds exactly it; any other
 * line for the host means the key changed. Files are searched in order (workspace first).
 */
export function checkHostKey(
  entries: readonly KnownHostEntry[],
  name: string,
  key: Buffer,
): HostKeyVerdict {
  const forHost = entries.filter((entry) => entryMatches(entry, name));
  const revoked = forHost.find((entry) => entry.marker === "@revoked" && entry.key.equals(key));
  if (revoked) return { kind: "revoked", entry: revoked };
  const plain = forHost.filter((entry) => entry.marker === undefined);
  const exact = plain.find((entry) => entry.key.equals(key));
  if (exact) return { kind: "known", entry: exact };
  const sameType = plain.find((entry) => entry.keyType === keyTypeOf(key));
  const other = sameType ?? plain[0];
  return other ? { kind: "changed", entry: other } : { kind: "unknown" };
}

const allHostKeyAlgorithms = [
  "ssh-ed25519",
  "ecdsa-sha2-nistp256",
  "ecdsa-sha2-nistp384",
  "ecdsa-sha2-nistp521",
  "rsa-sha2-512",
  "rsa-sha2-256",
  "ssh-rsa",
];

/**
 * Host key algorithms with the types already recorded for this host first, as OpenSSH does,
 * so a host known by its RSA key is not reported as changed because it also has ed25519.
 */
export function preferredHostKeyAlgorithms(
  entries: readonly KnownHostEntry[],
  name: string,
): string[] {
  const known = new Set(
    entries
      .filter((entry) => entry.marker === undefined && entryMatches(entry, name))
      .map((entry) => entry.keyType),
  );
  const recorded = allHostKeyAlgorithms.filter((algorithm) =>
    known.has(algorithm.startsWith("rsa-sha2") ? "ssh-rsa" : algorithm),
  );
  return [...recorded, ...allHostKeyAlgorithms.filter((a) => !recorded.includes(a))];
}

export function hostKeyError(
  host: string,
  name: string,
  key: Buffer,
  verdict: Exclude<HostKeyVerdict, { kind: "known" }>,
  writeTo: string,
): InfraError {
  const presented = fingerprint(key);
  if (verdict.kind === "unknown") {
    return new InfraError(
      `host ${host} (${name}) presented an unknown ${keyTypeOf(key)} host key ${presented}`,
      {
        code: "ssh.host_key_unknown",
        hint: `verify the fingerprint out of band, then rerun with --accept-new-host-key to record it in ${writeTo}`,
        data: { host, name, fingerprint: presented, keyType: keyTypeOf(key) },
      },
    );
  }
  const where = `${verdict.entry.file}:${verdict.entry.line}`;
  const recorded = fingerprint(verdict.entry.key);
  if (verdict.kind === "revoked") {
    return new InfraError(`host ${host} (${name}) presented a revoked host key ${presented}`, {
      code: "ssh.host_key_revoked",
      hint: `the key is marked @revoked at ${where}`,
      data: { host, name, fingerprint: presented, knownHostsLine: where },
    });
  }
  return new InfraError(
    `host ${host} (${name}) presented a CHANGED host key: ${keyTypeOf(key)} ${presented}, ` +
      `but ${where} records ${verdict.entry.keyType} ${recorded}`,
    {
      code: "ssh.host_key_changed",
      hint:
        "someone may be intercepting the connection, or the host was reinstalled; verify it out " +
        `of band, then remove line ${verdict.entry.line} of ${verdict.entry.file} ` +
        "(--accept-new-host-key never replaces a changed key)",
      data: {
        host,
        name,
        fingerprint: presented,
        recordedFingerprint: recorded,
        knownHostsLine: where,
      },
    },
  );
}
