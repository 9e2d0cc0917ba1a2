import type { ResolvedHost } from "../../hosts/index.js";
import type { CommandContext } from "../app.js";
import { ExitCode } from "../exit-code.js";
import { renderTable } from "../table.js";

function proxyCell(host: ResolvedHost): string {
  if (host.proxy_command) return `command: ${host.proxy_command}`;
  if (host.jumps.length > 0)
    return `jump: ${host.jumps.map((hop) => `${hop.user}@${hop.hostname}:${hop.port}`).join(" -> ")}`;
  return "-";
}

/** ssh's seven default key files make a wide column: two, then a count (--json has all). */
function identityCell(files: string[]): string {
  if (files.length <= 2) return files.join(", ") || "-";
  return `${files.slice(0, 2).join(", ")} +${files.length - 2} more`;
}

export function renderResolved(hosts: ResolvedHost[]): string {
  return renderTable(
    ["HOST", "HOSTNAME", "USER", "PORT", "IDENTITY FILES", "AGENT", "PROXY", "BY"],
    hosts.map((host) =>
      host.ssh
        ? [
            host.name,
            host.hostname,
            host.user,
            String(host.port),
            identityCell(host.identity_files),
            host.agent ?? "none",
            proxyCell(host),
            host.resolved_by,
          ]
        : [host.name, "local", "-", "-", "-", "-", "-", "-"],
    ),
  );
}

/** `tunectl hosts --resolve`: each host as ssh_config (OpenSSH when installed) resolves it. */
export async function resolveCommand(ctx: CommandContext): Promise<number> {
  const { resolveHosts } = await import("../../hosts/index.js");
  const workspace = await ctx.workspace();
  const hosts = await resolveHosts({
    root: workspace.root,
    config: workspace.config,
    ...(process.env.SSH_AUTH_SOCK ? { defaultAgent: process.env.SSH_AUTH_SOCK } : {}),
  });
  if (ctx.globals.json) ctx.io.json({ hosts });
  else ctx.io.out(renderResolved(hosts));
  return ExitCode.ok;
}
