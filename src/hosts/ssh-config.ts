import { readdir, readFile } from "node:fs/promises";
import path from "node:path";

/** One `Keyword value...` line of an ssh_config file, with where it came from. */
export interface SshConfigLine {
  keyword: string;
  args: string[];
  /** The value as written (ProxyCommand is a shell command, not a token list). */
  text: string;
  file: string;
  line: number;
}

/** What ssh_config says about one alias (only the keywords tunectl honours). */
export interface SshConfigHost {
  hostName?: string;
  user?: string;
  port?: number;
  identityFiles: string[];
  proxyJump?: string;
  /** `none` is kept: it turns the agent off. */
  identityAgent?: string;
  proxyCommand?: string;
  certificateFiles: string[];
  userKnownHostsFiles: string[];
}

function tokenize(text: string): string[] {
  const tokens: string[] = [];
  const pattern = /"([^"]*)"|(\S+)/g;
  for (const match of text.matchAll(pattern)) tokens.push(match[1] ?? match[2] ?? "");
  return tokens;
}

/** Parse one file's text; `Keyword value` and `Keyword=value` forms; keywords lower-cased. */
export function parseSshConfig(text: string, file: string): SshConfigLine[] {
  const lines: SshConfigLine[] = [];
  text.split("\n").forEach((raw, index) => {
    const trimmed = raw.trim();
    if (trimmed === "" || trimmed.startsWith("#")) return;
    const match = /^([A-Za-z]+)\s*(?:=\s*|\s+)(.*)$/.exec(trimmed);
    if (!match) return;
    lines.push({
      keyword: match[1]!.toLowerCase(),
      args: tokenize(match[2]!),
      text: match[2]!,
      file,
      line: index + 1,
    });
  });
  return lines;
}

function globToRegExp(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${body}$`, "i");
}

/** `Host` patterns: any positive match and no negated match. */
export function hostPatternsMatch(patterns: readonly string[], alias: string): boolean {
  let matched = false;
  for (const pattern of patterns) {
    const negated = pattern.startsWith("!");
    if (globToRegExp(negated ? pattern.slice(1) : pattern).test(alias)) {
      if (negated) return false;
      matched = true;
    }
  }
  return matched;
}

function expandHome(value: string, home: string): string {
  if (value === "~") return home;
  return value.startsWith("~/") ? path.join(home, value.slice(2)) : value;
}

/**
 * Load a config and its `Include`s (relative to ~/.ssh; `*` and `?` in the last path part).
 * A missing top-level file is an empty config, as for ssh.
 */
export async function loadSshConfig(
  file: string,
  home: string,
  depth = 0,
): Promise<SshConfigLine[]> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  const out: SshConfigLine[] = [];
  for (const line of parseSshConfig(text, file)) {
    if (line.keyword !== "include" || depth >= 8) {
      out.push(line);
      continue;
    }
    for (const arg of line.args) {
      const target = path.resolve(path.join(home, ".ssh"), expandHome(arg, home));
      const dir = path.dirname(target);
      const base = path.basename(target);
      const names = /[*?]/.test(base)
        ? (await readdir(dir).catch(() => [] as string[]))
            .filter((n) => globToRegExp(base).test(n))
            .sort()
        : [base];
      for (const name of names)
        out.push(...(await loadSshConfig(path.join(dir, name), home, depth + 1)));
    }
  }
  return out;
}

/**
 * Resolve an alias the way ssh does: lines before any `Host` apply to all; a `Host` block
 * applies when its patterns match; the first value obtained for a keyword wins, except
 * IdentityFile, CertificateFile and UserKnownHostsFile which accumulate. `Match` blocks are
 * not evaluated (treated as not matching): this is the fallback for machines without OpenSSH;
 * with it, `ssh -G` decides (openssh-resolve.ts).
 */
export function resolveSshHost(
  lines: readonly SshConfigLine[],
  alias: string,
  home: string,
): SshConfigHost {
  const found: SshConfigHost = { identityFiles: [], certificateFiles: [], userKnownHostsFiles: [] };
  let active = true;
  for (const { keyword, args, text } of lines) {
    if (keyword === "host") {
      active = hostPatternsMatch(args, alias);
      continue;
    }
    if (keyword === "match") {
      active = false;
      continue;
    }
    const value = args[0];
    if (!active || value === undefined) continue;
    switch (keyword) {
      case "hostname":
        found.hostName ??= value.replace(/%h/g, alias).replace(/%%/g, "%");
        break;
      case "user":
        found.user ??= value;
        break;
      case "port":
        if (found.port === undefined && /^\d+$/.test(value)) found.port = Number(value);
        break;
      case "identityfile":
        found.identityFiles.push(expandHome(value, home));
        break;
      case "proxyjump":
        if (found.proxyCommand === undefined) found.proxyJump ??= value;
        break;
      case "proxycommand":
        // The first of ProxyJump and ProxyCommand wins, as in ssh.
        if (found.proxyJump === undefined) found.proxyCommand ??= text;
        break;
      case "identityagent":
        found.identityAgent ??= expandHome(value, home);
        break;
      case "certificatefile":
        found.certificateFiles.push(expandHome(value, home));
        break;
      case "userknownhostsfile":
        if (found.userKnownHostsFiles.length === 0) {
          found.userKnownHostsFiles.push(
            ...args.filter((a) => a !== "none").map((a) => expandHome(a, home)),
          );
        }
        break;
    }
  }
  return found;
}
