import { spawn } from "node:child_process";
import { createReadStream, createWriteStream } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import type {
  DirEntry,
  ExecOptions,
  ExecResult,
  FileStat,
  RemoteHost,
  StreamOptions,
  TransferOptions,
} from "./remote-host.js";
import { scriptCommand, shellCommand } from "./shell-command.js";

/**
 * The embedded host `local`: this machine, no SSH. Commands go through the same quoting as
 * remote ones (`sh -c` with a shellCommand line), so both paths behave alike.
 */
export class LocalHost implements RemoteHost {
  readonly kind = "local" as const;

  constructor(
    readonly name: string,
    /** Relative paths and commands start here (the workspace root). */
    private readonly root: string,
    /** Environment of every command (default: this process's). */
    private readonly baseEnv: NodeJS.ProcessEnv = process.env,
  ) {}

  exec(argv: string[], options: ExecOptions = {}): Promise<ExecResult> {
    return this.run(shellCommand(argv, options), options);
  }

  script(script: string, args: string[] = [], options: ExecOptions = {}): Promise<ExecResult> {
    return this.run(scriptCommand(script, args, options), options);
  }

  private async run(command: string, options: ExecOptions): Promise<ExecResult> {
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let timedOut = false;
    const result = await this.spawnShell(command, {
      stdin: options.stdin,
      onStdout: (chunk) => stdout.push(chunk),
      onStderr: (chunk) => stderr.push(chunk),
      timeoutMs: options.timeoutMs,
      onTimeout: () => (timedOut = true),
    });
    return {
      ...result,
      ...(timedOut ? { timedOut } : {}),
      stdout: Buffer.concat(stdout).toString("utf8"),
      stderr: Buffer.concat(stderr).toString("utf8"),
    };
  }

  async stream(argv: string[], options: StreamOptions) {
    return this.spawnShell(shellCommand(argv, options), options);
  }

  private spawnShell(
    command: string,
    options: {
      stdin?: string | Buffer;
      onStdout(chunk: Buffer): void;
      onStderr?(chunk: Buffer): void;
      signal?: AbortSignal;
      timeoutMs?: number;
      onTimeout?(): void;
    },
  ): Promise<{ code: number | null; signal?: string }> {
    return new Promise((resolve, reject) => {
      // Own process group, so a timeout or abort ends the whole command, not just `sh`.
      const child = spawn("sh", ["-c", command], {
        cwd: this.root,
        env: this.baseEnv,
        detached: true,
        stdio: ["pipe", "pipe", "pipe"],
      });
      const killGroup = () => {
        if (child.pid !== undefined && child.exitCode === null) {
          try {
            process.kill(-child.pid, "SIGKILL");
          } catch {
            // already gone
          }
        }
      };
      const timer =
        options.timeoutMs === undefined
          ? undefined
          : setTimeout(() => {
              options.onTimeout?.();
              killGroup();
            }, options.timeoutMs);
      options.signal?.addEventListener("abort", killGroup, { once: true });
      child.stdout.on("data", (chunk: Buffer) => options.onStdout(chunk));
      child.stderr.on("data", (chunk: Buffer) => options.onStderr?.(chunk));
      child.on("error", (error) => {
        clearTimeout(timer);
        reject(error);
      });
      child.on("close", (code, signal) => {
        clearTimeout(timer);
        options.signal?.removeEventListener("abort", killGroup);
        resolve(signal ? { code, signal } : { code });
      });
      child.stdin.on("error", () => {
        // the command may exit without reading its input
      });
      child.stdin.end(options.stdin ?? "");
    });
  }

  private resolve(file: string): string {
    return path.resolve(this.root, file);
  }

  async writeFile(file: string, content: string | Buffer, options: { mode?: number } = {}) {
    await fs.writeFile(this.resolve(file), content, { mode: options.mode });
    if (options.mode !== undefined) await fs.chmod(this.resolve(file), options.mode);
  }

  async readFile(file: string, options: { offset?: number; length?: number } = {}) {
    const handle = await fs.open(this.resolve(file), "r");
    try {
      const offset = options.offset ?? 0;
      const size = (await handle.stat()).size;
      const length = Math.max(0, Math.min(options.length ?? Infinity, size - offset));
      const buffer = Buffer.alloc(length);
      let read = 0;
      while (read < length) {
        const { bytesRead } = await handle.read(buffer, read, length - read, offset + read);
        if (bytesRead === 0) break;
        read += bytesRead;
      }
      return buffer.subarray(0, read);
    } finally {
      await handle.close();
    }
  }

  async stat(file: string): Promise<FileStat | null> {
    try {
      const stats = await fs.lstat(this.resolve(file));
      return {
        size: stats.size,
        mtimeMs: stats.mtimeMs,
        mode: stats.mode & 0o7777,
        type: stats.isSymbolicLink()
          ? "symlink"
          : stats.isDirectory()
            ? "directory"
            : stats.isFile()
              ? "file"
              : "other",
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw error;
    }
  }

  async readdir(dir: string): Promise<DirEntry[]> {
    const names = await fs.readdir(this.resolve(dir));
    const entries: DirEntry[] = [];
    for (const name of names.sort()) {
      const stat = await this.stat(path.join(this.resolve(dir), name));
      if (stat) entries.push({ name, type: stat.type, size: stat.size });
    }
    return entries;
  }

  async putFile(localPath: string, remotePath: string, options: TransferOptions = {}) {
    await copyWithProgress(localPath, this.resolve(remotePath), 0, options);
  }

  async getFile(
    remotePath: string,
    localPath: string,
    options: TransferOptions & { offset?: number } = {},
  ) {
    await copyWithProgress(this.resolve(remotePath), localPath, options.offset ?? 0, options);
  }

  async close() {}
}

async function copyWithProgress(
  from: string,
  to: string,
  offset: number,
  options: TransferOptions,
): Promise<void> {
  const total = (await fs.stat(from)).size;
  let done = offset;
  const source = createReadStream(from, { start: offset });
  source.on("data", (chunk) => {
    done += chunk.length;
    options.onProgress?.(done, total);
  });
  const sink = createWriteStream(to, offset > 0 ? { flags: "r+", start: offset } : {});
  await pipeline(source, sink);
}
