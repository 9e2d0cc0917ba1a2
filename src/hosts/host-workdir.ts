import type { HostConfig } from "../config/index.js";

/**
 * The host's workdir as a path commands and SFTP understand: absolute, or relative to the login
 * home (SSH) / the workspace root (local). `~/x` is written as `x`, because a quoted `~` is not
 * expanded by the shell and SFTP never expands it.
 */
export function hostWorkdir(config: Pick<HostConfig, "workdir">): string {
  const workdir = config.workdir.trim();
  if (workdir === "~" || workdir === "") return ".";
  if (workdir.startsWith("~/")) return workdir.slice(2) || ".";
  return workdir;
}
