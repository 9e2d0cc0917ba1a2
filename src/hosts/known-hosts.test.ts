import { createHmac, generateKeyPairSync, randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { checkHostKey, hostKeyError, preferredHostKeyAlgorithms } from "./host-key-check.js";
import {
  appendKnownHost,
  entryMatches,
  fingerprint,
  keyTypeOf,
  knownHostsName,
  parseKnownHosts,
  readKnownHosts,
} from "./known-hosts.js";

/** An SSH wire-format public key blob for a fresh ed25519 key. */
function ed25519Blob(): Buffer {
  const { publicKey } = generateKeyPairSync("ed25519");
  const raw = publicKey.export({ format: "der", type: "spki" }).subarray(-32);
  const field = (b: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(b.length);
    return Buffer.concat([len, b]);
  };
  return Buffer.concat([field(Buffer.from("ssh-ed25519")), field(raw)]);
}

function hashedName(name: string): string {
  const salt = randomBytes(20);
  const hash = createHmac("sha1", salt).update(name).digest("base64");
  return `|1|${salt.toString("base64")}|${hash}`;
}

describe("known_hosts", () => {
  const keyA = ed25519Blob();
  const keyB = ed25519Blob();
  const rsaLike = Buffer.concat([
    Buffer.from([0, 0, 0, 7]),
    Buffer.from("ssh-rsa"),
    randomBytes(32),
  ]);

  it("parses plain, hashed, [host]:port, markers and comments", () => {
    const text = [
      "# comment",
      `10.0.0.1,gpu-a ssh-ed25519 ${keyA.toString("base64")} root@gpu-a`,
      `${hashedName("[10.0.0.2]:2222")} ssh-ed25519 ${keyB.toString("base64")}`,
      `@revoked * ssh-rsa ${rsaLike.toString("base64")}`,
      "garbage-line",
      "",
    ].join("\n");
    const entries = parseKnownHosts(text, "kh");
    expect(entries.map((e) => [e.line, e.keyType, e.marker])).toEqual([
      [2, "ssh-ed25519", undefined],
      [3, "ssh-ed25519", undefined],
      [4, "ssh-rsa", "@revoked"],
    ]);
    expect(entryMatches(entries[0]!, "gpu-a")).toBe(true);
    expect(entryMatches(entries[0]!, "GPU-A")).toBe(true);
    expect(entryMatches(entries[0]!, "10.0.0.2")).toBe(false);
    expect(entryMatches(entries[1]!, knownHostsName("10.0.0.2", 2222))).toBe(true);
    expect(entryMatches(entries[1]!, "10.0.0.2")).toBe(false);
    expect(keyTypeOf(keyA)).toBe("ssh-ed25519");
  });

  it("wildcards and negation in host patterns", () => {
    const [entry] = parseKnownHosts(
      `gpu-?,*.lab,!bad.lab ssh-ed25519 ${keyA.toString("base64")}`,
      "kh",
    );
    expect(entryMatches(entry!, "gpu-1")).toBe(true);
    expect(entryMatches(entry!, "x.lab")).toBe(true);
    expect(entryMatches(entry!, "bad.lab")).toBe(false);
    expect(entryMatches(entry!, "gpu-12")).toBe(false);
  });

  it("known, unknown, changed and revoked verdicts", () => {
    const entries = parseKnownHosts(
      [
        `${hashedName("h1")} ssh-ed25519 ${keyA.toString("base64")}`,
        `@revoked h3 ssh-ed25519 ${keyB.toString("base64")}`,
      ].join("\n"),
      "/ws/known_hosts",
    );
    expect(checkHostKey(entries, "h1", keyA).kind).toBe("known");
    expect(checkHostKey(entries, "h2", keyA).kind).toBe("unknown");
    const changed = checkHostKey(entries, "h1", keyB);
    expect(changed.kind).toBe("changed");
    expect(checkHostKey(entries, "h3", keyB).kind).toBe("revoked");
    if (changed.kind !== "changed") throw new Error("unreachable");
    const error = hostKeyError("gpu-a", "h1", keyB, changed, "/ws/known_hosts");
    expect(error.code).toBe("ssh.host_key_changed");
    expect(error.message).toContain(fingerprint(keyA));
    expect(error.message).toContain(fingerprint(keyB));
    expect(error.message).toContain("/ws/known_hosts:1");
    expect(error.kind).toBe("infra");
  });

  it("fingerprints like ssh-keygen -l (SHA256, unpadded base64)", () => {
    expect(fingerprint(Buffer.from("abc"))).toBe(
      "SHA256:ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0",
    );
  });

  it("prefers algorithms already recorded for the host", () => {
    const entries = parseKnownHosts(`h1 ssh-rsa ${rsaLike.toString("base64")}`, "kh");
    expect(preferredHostKeyAlgorithms(entries, "h1").slice(0, 3)).toEqual([
      "rsa-sha2-512",
      "rsa-sha2-256",
      "ssh-rsa",
    ]);
    expect(preferredHostKeyAlgorithms(entries, "h2")[0]).toBe("ssh-ed25519");
  });

  it("appends accepted keys and reads files in order, skipping missing ones", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "tunectl-kh-"));
    try {
      const file = path.join(dir, "sub", "known_hosts");
      await appendKnownHost(file, "[10.0.0.9]:2200", keyA);
      const text = await readFile(file, "utf8");
      expect(text).toBe(`[10.0.0.9]:2200 ssh-ed25519 ${keyA.toString("base64")}\n`);
      const entries = await readKnownHosts([path.join(dir, "missing"), file]);
      expect(checkHostKey(entries, "[10.0.0.9]:2200", keyA).kind).toBe("known");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
