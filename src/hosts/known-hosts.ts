import { createHash, createHmac } from "node:crypto";
import { appendFile, mkdir, readFile } from "node:fs/promises";
import path from "node:path";

/** One host key line of a known_hosts file (OpenSSH format, plain or hashed names). */
export interface KnownHostEntry {
  file: string;
  line: number;
  marker?: "@cert-authority" | "@revoked";
  /** Comma-separated patterns, or one `|1|salt|hash` hashed name. */
  hosts: string;
  keyType: string;
  key: Buffer;
}

export function parseKnownHosts(text: string, file: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  text.split("\n").forEach((raw, index) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const fields = line.split(/\s+/);
    let marker: KnownHostEntry["marker"];
    if (fields[0] === "@cert-authority" || fields[0] === "@revoked") {
      marker = fields.shift() as KnownHostEntry["marker"];
    }
    const [hosts, keyType, base64] = fields;
    if (!hosts || !keyType || !base64) return; // malformed lines are skipped, as ssh does
    entries.push({
      file,
      line: index + 1,
      ...(marker ? { marker } : {}),
      hosts,
      keyType,
      key: Buffer.from(base64, "base64"),
    });
  });
  return entries;
}

/** The name a host is recorded under: `host`, or `[host]:port` off port 22. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

function globToRegExp(pattern: string): RegExp {
  const body = pattern
    .split("")
    .map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.+^${}()|[\]\\]/g, "\\$&")))
    .join("");
  return new RegExp(`^${body}$`, "i");
}

function hashedNameMatches(hashed: string, name: string): boolean {
  const [, magic, salt, hash] = hashed.split("|");
  if (magic !== "1" || !salt || !hash) return false;
  const digest = createHmac("sha1", Buffer.from(salt, "base64")).update(name).digest("base64");
  return digest === hash;
}

/** Whether an entry's host field names `name` (already in `[host]:port` form when needed). */
export function entryMatches(entry: KnownHostEntry, name: string): boolean {
  if (entry.hosts.startsWith("|")) return hashedNameMatches(entry.hosts, name);
  let matched = false;
  for (const pattern of entry.hosts.split(",")) {
    const negated = pattern.startsWith("!");
    const glob = negated ? pattern.slice(1) : pattern;
    if (globToRegExp(glob).test(name)) {
      if (negated) return false;
      matched = true;
    }
  }
  return matched;
}

/** OpenSSH's fingerprint: SHA256 of the key blob, unpadded base64. */
export function fingerprint(key: Buffer): string {
  return `SHA256:${createHash("sha256").update(key).digest("base64").replace(/=+$/, "")}`;
}

/** The algorithm name inside an SSH public key blob (its first length-prefixed string). */
export function keyTypeOf(key: Buffer): string {
  if (key.length < 4) return "unknown";
  const length = key.readUInt32BE(0);
  return key.subarray(4, 4 + length).toString("ascii");
}

export async function readKnownHosts(files: readonly string[]): Promise<KnownHostEntry[]> {
  const all: KnownHostEntry[] = [];
  for (const file of files) {
    try {
      all.push(...parseKnownHosts(await readFile(file, "utf8"), file));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
  }
  return all;
}

export async function appendKnownHost(file: string, name: string, key: Buffer): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  let prefix = "";
  try {
    const current = await readFile(file, "utf8");
    if (current.length > 0 && !current.endsWith("\n")) prefix = "\n";
  } catch {
    // new file
  }
  const line = `${prefix}${name} ${keyTypeOf(key)} ${key.toString("base64")}\n`;
  await appendFile(file, line, { mode: 0o600 });
}
