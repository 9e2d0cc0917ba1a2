import { InfraError } from "../errors/index.js";
import type { RemoteHost } from "../hosts/index.js";

/** The server running on a host: its pid there, how it ended, its last output, a stop. */
export interface ServerProcess {
  readonly pid: number;
  /** Settles when the process ends (on its own or by stop()). */
  readonly exited: Promise<{ code: number | null; signal?: string }>;
  /** The last lines it wrote (stdout and stderr interleaved), for error messages. */
  logTail(lines?: number): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it has ended. */
  stop(graceMs: number): Promise<{ forced: boolean }>;
}

const pidLine = /^tunectl-serve-pid (\d+)$/m;
// Prints the shell's pid, then becomes the server: the pid is the server's own.
const wrapper = 'echo "tunectl-serve-pid $$" >&2; exec "$@"';
const keptBytes = 64 * 1024;

export async function startServerProcess(
  host: RemoteHost,
  argv: string[],
  env: Record<string, string>,
): Promise<ServerProcess> {
  let log = "";
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString("utf8")).slice(-keptBytes);
  };
  let announce: (pid: number) => void = () => {};
  const announced = new Promise<number>((resolve) => (announce = resolve));
  const exited = host.stream(["sh", "-c", wrapper, "sh", ...argv], {
    env,
    onStdout: keep,
    onStderr(chunk) {
      keep(chunk);
      const match = pidLine.exec(log);
      if (match) announce(Number(match[1]));
    },
  });
  const pid = await Promise.race([
    announced,
    exited.then(
      (end) => {
        throw new InfraError(
          `host ${host.name}: the server did not start (exit ${end.code ?? end.signal}): ${log.trim()}`,
          { code: "serve.server_exited" },
        );
      },
      (error: Error) => {
        throw new InfraError(`host ${host.name}: cannot start the server: ${error.message}`, {
          code: "serve.server_exited",
          cause: error,
        });
      },
    ),
  ]);
  let ended = false;
  void exited.finally(() => (ended = true)).catch(() => {});

  return {
    pid,
    exited,
    logTail(lines = 20) {
      return log.replace(pidLine, "").trim().split("\n").slice(-lines).join("\n");
    },
    async stop(graceMs) {
      if (ended) return { forced: false };
      await host.exec(["kill", "-TERM", String(pid)]).catch(() => {});
      let timer: NodeJS.Timeout | undefined;
      const inTime = await Promise.race([
        exited.then(() => true),
        new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), graceMs))),
      ]).finally(() => clearTimeout(timer));
      if (inTime) return { forced: false };
      await host.exec(["kill", "-KILL", String(pid)]).catch(() => {});
      await exited.catch(() => {});
      return { forced: true };
    },
  };
}
