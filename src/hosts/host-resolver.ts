import { access } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { findOpenSsh, resolveWithOpenSsh } from "./openssh-resolve.js";
import { loadSshConfig, resolveSshHost, type SshConfigHost } from "./ssh-config.js";

/** What ssh_config makes of one alias, and who decided: OpenSSH, or the built-in parser. */
export interface ResolvedAlias extends SshConfigHost {
  resolvedBy: "openssh" | "builtin";
}

export type ResolveAlias = (
  alias: string,
  given: { user?: string; port?: number },
) => Promise<ResolvedAlias>;

export interface ResolverInputs {
  /** The workspace's ssh_config (absolute), or undefined for ~/.ssh/config. */
  configFile?: string;
  home: string;
  /** The ssh binary; undefined = look on PATH; null = the built-in parser. */
  openssh?: string | null;
}

const exists = (file: string) =>
  access(file).then(
    () => true,
    () => false,
  );

/** `~/` and the tokens ssh expands in IdentityFile and CertificateFile. */
function expandPath(value: string, home: string, alias: string, user: string): string {
  const expanded = value.replace(/%([%dhru])/g, (_, token: string) =>
    token === "%"
      ? "%"
      : token === "d"
        ? home
        : token === "h"
          ? alias
          : token === "r"
            ? user
            : os.userInfo().username,
  );
  if (expanded === "~") return home;
  return expanded.startsWith("~/") ? path.join(home, expanded.slice(2)) : expanded;
}

/**
 * One resolver per inventory: `ssh -G` when OpenSSH is installed, else the built-in parser.
 * OpenSSH reads ~/.ssh of the real user; when a different home is given (tests) or the
 * workspace names a file, that file goes to OpenSSH as `-F` (a missing one as /dev/null).
 */
export interface AliasResolver {
  resolve: ResolveAlias;
  /** How OpenSSH was asked (null: not installed, or the built-in parser was chosen). */
  openssh: { ssh: string; configFile?: string } | null;
}

export async function createAliasResolver(inputs: ResolverInputs): Promise<AliasResolver> {
  const openssh = inputs.openssh === undefined ? await findOpenSsh() : inputs.openssh;
  const defaultFile = path.join(inputs.home, ".ssh", "config");
  const file = inputs.configFile ?? defaultFile;
  if (openssh === null) {
    const lines = await loadSshConfig(file, inputs.home);
    return {
      openssh: null,
      resolve: async (alias) => ({
        ...resolveSshHost(lines, alias, inputs.home),
        resolvedBy: "builtin",
      }),
    };
  }
  const ownDefaults = inputs.configFile === undefined && inputs.home === os.homedir();
  const configFile = ownDefaults ? undefined : (await exists(file)) ? file : "/dev/null";
  // OpenSSH's default known_hosts files are the real user's; the inventory adds its own.
  const realDefaults = ["known_hosts", "known_hosts2"].map((name) =>
    path.join(os.homedir(), ".ssh", name),
  );
  const answers = new Map<string, ReturnType<typeof resolveWithOpenSsh>>();
  const ask = (alias: string, given: { user?: string; port?: number }) => {
    const key = JSON.stringify([alias, given.user ?? null, given.port ?? null]);
    let answer = answers.get(key);
    if (!answer) {
      answer = resolveWithOpenSsh(alias, { ssh: openssh, configFile, ...given });
      answers.set(key, answer);
    }
    return answer;
  };
  const resolve: ResolveAlias = async (alias, given) => {
    const found = await ask(alias, given);
    const expand = (value: string) => expandPath(value, inputs.home, found.hostName, found.user);
    return {
      ...found,
      identityFiles: found.identityFiles.map(expand),
      certificateFiles: found.certificateFiles.map(expand),
      userKnownHostsFiles: found.userKnownHostsFiles.filter((f) => !realDefaults.includes(f)),
      ...(found.identityAgent ? { identityAgent: expand(found.identityAgent) } : {}),
      resolvedBy: "openssh",
    };
  };
  return { resolve, openssh: { ssh: openssh, ...(configFile ? { configFile } : {}) } };
}
