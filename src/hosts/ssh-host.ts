import type { ClientChannel, Client as SshClient, SFTPWrapper } from "ssh2";
import { InfraError, remoteError } from "../errors/index.js";
import { ChannelSlots } from "./channel-slots.js";
import type {
  DirEntry,
  ExecOptions,
  ExecResult,
  FileStat,
  RemoteHost,
  StreamOptions,
  TransferOptions,
} from "./remote-host.js";
import {
  sftpGet,
  sftpLstat,
  sftpPut,
  sftpReadRange,
  sftpReaddir,
  sftpWriteFile,
} from "./sftp-files.js";
import { shellCommand } from "./shell-command.js";
import type { SshConnection } from "./ssh-connect.js";

/**
 * With a time limit, the command runs under `timeout -s KILL` when the host has it (coreutils,
 * busybox), so it ends on the host too: OpenSSH does not deliver signal requests to commands.
 */
const timeoutWrapper =
  'if command -v timeout >/dev/null 2>&1; then exec timeout -s KILL "$0" "$@"; else exec "$@"; fi';

function commandLine(argv: string[], options: ExecOptions): string {
  if (options.timeoutMs === undefined) return shellCommand(argv, options);
  const seconds = String(Math.max(1, Math.ceil(options.timeoutMs / 1000)));
  return shellCommand(["sh", "-c", timeoutWrapper, seconds, ...argv], options);
}

/**
 * A host over one pooled SSH connection. The object stays valid across drops: each call
 * reconnects on demand (the pool's connect function checks the host key again).
 */
export class SshHost implements RemoteHost {
  readonly kind = "ssh" as const;
  private connection?: Promise<SshConnection>;
  private sftpSession?: Promise<SFTPWrapper>;
  private readonly slots: ChannelSlots;

  constructor(
    readonly name: string,
    private readonly open: () => Promise<SshConnection>,
    maxChannels = 8,
  ) {
    this.slots = new ChannelSlots(maxChannels);
  }

  /** The live client, connecting (again) if needed. */
  async client(): Promise<SshClient> {
    if (!this.connection) {
      const pending = this.open();
      this.connection = pending;
      pending.then(
        (conn) =>
          conn.client.once("close", () => {
            if (this.connection === pending) {
              this.connection = undefined;
              this.sftpSession = undefined;
            }
          }),
        () => {
          if (this.connection === pending) this.connection = undefined;
        },
      );
    }
    return (await this.connection).client;
  }

  private async channel(command: string): Promise<{ channel: ClientChannel; release(): void }> {
    const client = await this.client();
    const connection = this.connection;
    const release = await this.slots.acquire();
    return new Promise((resolve, reject) => {
      const opened = (error: Error | undefined, channel: ClientChannel) => {
        if (!error) return resolve({ channel, release });
        release();
        // the connection closed under the request (keepalive gave up): same as a drop mid-command
        if (this.connection !== connection) return reject(this.lost());
        reject(
          new InfraError(`host ${this.name}: could not open a command channel (${error.message})`, {
            code: "ssh.channel_failed",
            cause: error,
          }),
        );
      };
      try {
        client.exec(command, opened);
      } catch {
        // "Not connected": the socket ended a moment ago; the slot must not leak
        release();
        reject(this.lost());
      }
    });
  }

  private lost(): InfraError {
    return new InfraError(
      `host ${this.name}: the SSH connection dropped during a command or transfer`,
      {
        code: "ssh.connection_lost",
        hint: "the command may still be running on the host",
      },
    );
  }

  private async run(
    command: string,
    options: {
      stdin?: string | Buffer;
      onStdout(chunk: Buffer): void;
      onStderr?(chunk: Buffer): void;
      signal?: AbortSignal;
      timeoutMs?: number;
    },
  ): Promise<{ code: number | null; signal?: string; timedOut?: boolean }> {
    const { channel, release } = await this.channel(command);
    return new Promise((resolve, reject) => {
      let exit: { code: number | null; signal?: string } | undefined;
      let stopped: "timeout" | "abort" | undefined;
      // sshd keeps a channel open until its command exits, so a stopped command is settled
      // here at once; the remote side ends by `timeout` (see commandLine) or on its next write.
      const stop = (why: "timeout" | "abort") => {
        stopped = why;
        try {
          channel.signal("KILL");
        } catch {
          // not every server accepts signal requests
        }
        channel.close();
        resolve(why === "timeout" ? { code: null, timedOut: true } : { code: null });
      };
      const timer =
        options.timeoutMs === undefined
          ? undefined
          : setTimeout(() => stop("timeout"), options.timeoutMs);
      const onAbort = () => stop("abort");
      options.signal?.addEventListener("abort", onAbort, { once: true });
      channel.on("data", (chunk: Buffer) => options.onStdout(chunk));
      channel.stderr.on("data", (chunk: Buffer) => options.onStderr?.(chunk));
      channel.on("exit", (code: number | null, signal?: string) => {
        exit = signal ? { code: null, signal } : { code };
      });
      channel.on("close", () => {
        clearTimeout(timer);
        options.signal?.removeEventListener("abort", onAbort);
        release();
        if (exit) resolve(stopped === "timeout" ? { ...exit, timedOut: true } : exit);
        else if (stopped)
          resolve({ code: null, ...(stopped === "timeout" ? { timedOut: true } : {}) });
        else reject(this.lost());
      });
      // aborted while the channel was opening: end it now, or its command runs on unread
      if (options.signal?.aborted) stop("abort");
      else channel.end(options.stdin ?? "");
    });
  }

  async exec(argv: string[], options: ExecOptions = {}): Promise<ExecResult> {
    return this.collect(commandLine(argv, options), options);
  }

  async script(
    script: string,
    args: string[] = [],
    options: ExecOptions = {},
  ): Promise<ExecResult> {
    return this.collect(commandLine(["sh", "-c", script, "tunectl-sh", ...args], options), options);
  }

  private async collect(command: string, options: ExecOptions): Promise<ExecResult> {
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    const result = await this.run(command, {
      stdin: options.stdin,
      timeoutMs: options.timeoutMs,
      onStdout: (chunk) => stdout.push(chunk),
      onStderr: (chunk) => stderr.push(chunk),
    });
    return {
      ...result,
      stdout: Buffer.concat(stdout).toString("utf8"),
      stderr: Buffer.concat(stderr).toString("utf8"),
    };
  }

  async stream(argv: string[], options: StreamOptions) {
    const { code, signal } = await this.run(shellCommand(argv, options), options);
    return signal ? { code, signal } : { code };
  }

  private async sftp(): Promise<SFTPWrapper> {
    const client = await this.client();
    if (!this.sftpSession) {
      const pending = new Promise<SFTPWrapper>((resolve, reject) =>
        client.sftp((error, sftp) => (error ? reject(error) : resolve(sftp))),
      );
      this.sftpSession = pending;
      pending.catch(() => {
        if (this.sftpSession === pending) this.sftpSession = undefined;
      });
    }
    return this.sftpSession;
  }

  /** Run one SFTP call, turning its status errors into tunectl errors naming the path. */
  private async onSftp<T>(
    what: string,
    path: string,
    body: (sftp: SFTPWrapper) => Promise<T>,
  ): Promise<T> {
    const sftp = await this.sftp();
    const connection = this.connection;
    try {
      return await body(sftp);
    } catch (error) {
      if (this.connection !== connection) throw this.lost();
      const message = error instanceof Error ? error.message : String(error);
      throw remoteError(`host ${this.name}: ${what} ${path}`, message, error);
    }
  }

  writeFile(path: string, content: string | Buffer, options: { mode?: number } = {}) {
    return this.onSftp("write", path, (sftp) => sftpWriteFile(sftp, path, content, options.mode));
  }

  readFile(path: string, options: { offset?: number; length?: number } = {}) {
    return this.onSftp("read", path, (sftp) =>
      sftpReadRange(sftp, path, options.offset ?? 0, options.length),
    );
  }

  stat(path: string): Promise<FileStat | null> {
    return this.onSftp("stat", path, (sftp) => sftpLstat(sftp, path));
  }

  readdir(path: string): Promise<DirEntry[]> {
    return this.onSftp("list", path, (sftp) => sftpReaddir(sftp, path));
  }

  putFile(localPath: string, remotePath: string, options: TransferOptions = {}) {
    return this.onSftp("upload to", remotePath, (sftp) =>
      sftpPut(sftp, localPath, remotePath, options),
    );
  }

  getFile(
    remotePath: string,
    localPath: string,
    options: TransferOptions & { offset?: number } = {},
  ) {
    return this.onSftp("download", remotePath, (sftp) =>
      sftpGet(sftp, remotePath, localPath, options),
    );
  }

  async close(): Promise<void> {
    const pending = this.connection;
    this.connection = undefined;
    this.sftpSession = undefined;
    if (!pending) return;
    try {
      (await pending).close();
    } catch {
      // never connected: nothing to close
    }
  }
}
