import type { Duplex } from "node:stream";
import { InfraError } from "../errors/index.js";

/** A running ProxyCommand: its stdin/stdout are the SSH stream. */
export interface ProxyProcess {
  stream: Duplex;
  /** What the command said on stderr so far (its last 2 KiB), for error messages. */
  stderr(): string;
  stop(): void;
}

export interface ProxyTokens {
  host: string;
  port: number;
  user: string;
  alias: string;
}

/** ssh's ProxyCommand tokens: %h host, %p port, %r user, %n the alias as given, %% a percent. */
export function expandProxyCommand(command: string, tokens: ProxyTokens): string {
  return command.replace(/%([%hprn])/g, (_, token: string) =>
    token === "%"
      ? "%"
      : token === "h"
        ? tokens.host
        : token === "p"
          ? String(tokens.port)
          : token === "r"
            ? tokens.user
            : tokens.alias,
  );
}

/**
 * Start a ProxyCommand the way ssh does (`exec` under `sh -c`, so the command is the child and
 * a kill reaches it); execa kills it when tunectl exits, `stop()` when the connection closes.
 */
export async function startProxyCommand(
  command: string,
  tokens: ProxyTokens,
): Promise<ProxyProcess> {
  // Loaded only when a host needs it: execa's import alone is a few hundred ms on a busy machine.
  const { execa } = await import("execa");
  const expanded = expandProxyCommand(command, tokens);
  const child = execa("/bin/sh", ["-c", `exec ${expanded}`], {
    stdin: "pipe",
    stdout: "pipe",
    stderr: "pipe",
    buffer: false,
    reject: false,
    cleanup: true,
  });
  let said = "";
  child.stderr.on("data", (chunk: Buffer) => {
    said = (said + chunk.toString("utf8")).slice(-2048);
  });
  const stream = child.duplex({ from: "stdout", to: "stdin", binary: true });
  // A failing proxy ends the stream; the SSH handshake then fails with the stderr above.
  stream.on("error", () => {});
  child.catch(() => {});
  return {
    stream,
    stderr: () => said.trim(),
    stop: () => {
      child.kill("SIGTERM");
    },
  };
}

export function proxyFailed(label: string, command: string, said: string): InfraError {
  return new InfraError(`host ${label}: ProxyCommand failed${said ? `: ${said}` : ""}`, {
    code: "ssh.proxy_command_failed",
    hint: `the command was \`${command}\`; run it by hand to see why (it must connect its stdin/stdout to the host's SSH port)`,
    data: { host: label, stderr: said },
  });
}
