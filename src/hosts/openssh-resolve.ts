import { execFile } from "node:child_process";
import { UserError } from "../errors/index.js";
import type { SshConfigHost } from "./ssh-config.js";

/** How to ask OpenSSH about one alias: `ssh -G [-F file] [-l user] [-p port] alias`. */
export interface OpenSshQuery {
  /** The ssh binary. */
  ssh: string;
  /** `-F`: the workspace's ssh_config; absent = OpenSSH's own (~/.ssh/config, /etc/ssh). */
  configFile?: string;
  /** Given to ssh as -l / -p, so `Match user` and `%r`/`%p` see what tunectl will use. */
  user?: string;
  port?: number;
  timeoutMs?: number;
}

/** `ssh -G` prints the resolved configuration and exits; nothing is connected. */
export interface OpenSshHost extends SshConfigHost {
  hostName: string;
  user: string;
  port: number;
}

/** Parse `ssh -G` output: one lower-case `keyword value` a line, every keyword resolved. */
export function parseSshG(text: string): OpenSshHost {
  const values = new Map<string, string[]>();
  for (const line of text.split("\n")) {
    const space = line.indexOf(" ");
    if (space <= 0) continue;
    const keyword = line.slice(0, space);
    values.set(keyword, [...(values.get(keyword) ?? []), line.slice(space + 1)]);
  }
  const one = (keyword: string) => values.get(keyword)?.[0];
  const set = (keyword: string) => {
    const value = one(keyword);
    return value === undefined || value === "none" ? undefined : value;
  };
  const proxyJump = set("proxyjump");
  const proxyCommand = set("proxycommand");
  const identityAgent = one("identityagent");
  return {
    hostName: one("hostname") ?? "",
    user: one("user") ?? "",
    port: Number(one("port") ?? 22),
    identityFiles: values.get("identityfile") ?? [],
    certificateFiles: values.get("certificatefile") ?? [],
    userKnownHostsFiles: (one("userknownhostsfile") ?? "").split(" ").filter(Boolean),
    ...(proxyJump ? { proxyJump } : {}),
    ...(proxyCommand && !proxyJump ? { proxyCommand } : {}),
    ...(identityAgent ? { identityAgent } : {}),
  };
}

/**
 * Resolve an alias with OpenSSH itself: Include, Match (host, user, exec...), wildcards,
 * negation and first-match-wins exactly as `ssh` would apply them.
 */
export async function resolveWithOpenSsh(alias: string, query: OpenSshQuery): Promise<OpenSshHost> {
  const args = [
    "-G",
    ...(query.configFile ? ["-F", query.configFile] : []),
    ...(query.user ? ["-l", query.user] : []),
    ...(query.port ? ["-p", String(query.port)] : []),
    "--",
    alias,
  ];
  const timeoutMs = query.timeoutMs ?? 10_000;
  const result = await run(query.ssh, args, timeoutMs);
  if (result.code !== 0) {
    const said = result.timedOut
      ? `no answer within ${timeoutMs} ms (a slow Match exec?)`
      : result.stderr.trim() || `exit ${result.code}`;
    throw new UserError(`ssh_config: OpenSSH could not resolve "${alias}": ${said}`, {
      code: "hosts.ssh_config",
      hint: `check ${query.configFile ?? "~/.ssh/config"}; \`ssh -G ${alias}\` shows the same`,
      data: { alias, configFile: query.configFile ?? null },
    });
  }
  return parseSshG(result.stdout);
}

/** The `ssh` binary on PATH, or null (then the built-in parser stands in). */
export async function findOpenSsh(): Promise<string | null> {
  return (await run("ssh", ["-V"], 5_000)).code === 0 ? "ssh" : null;
}

/**
 * node's execFile, not execa: `ssh -G` runs once per host, and execa costs about twice the
 * time per short-lived child (docs/architecture.md has the measurement).
 */
function run(file: string, args: string[], timeoutMs: number) {
  return new Promise<{ code: number; stdout: string; stderr: string; timedOut: boolean }>(
    (resolve) => {
      const child = execFile(
        file,
        args,
        { timeout: timeoutMs, env: { ...process.env, LC_ALL: "C" }, maxBuffer: 1 << 20 },
        (error, stdout, stderr) => {
          const failure = error as (NodeJS.ErrnoException & { killed?: boolean }) | null;
          resolve({
            code: failure ? (typeof failure.code === "number" ? failure.code : 127) : 0,
            stdout,
            stderr,
            timedOut: failure?.killed === true,
          });
        },
      );
      child.stdin?.end();
    },
  );
}
