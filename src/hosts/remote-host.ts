/**
 * The port every other module uses to act on a host: the embedded `local` host and SSH hosts
 * implement it alike. Commands are argv arrays (quoted by shellCommand); relative paths are
 * relative to the login home on SSH hosts and to the workspace root on `local`.
 */
export interface ExecOptions {
  stdin?: string | Buffer;
  /** Kill (local) or abandon (SSH: the channel is closed) after this long. */
  timeoutMs?: number;
  env?: Record<string, string>;
  cwd?: string;
}

export interface ExecResult {
  /** Exit status; null when the command ended by a signal or timed out. */
  code: number | null;
  signal?: string;
  timedOut?: boolean;
  stdout: string;
  stderr: string;
}

export interface StreamOptions extends Omit<ExecOptions, "timeoutMs"> {
  onStdout(chunk: Buffer): void;
  onStderr?(chunk: Buffer): void;
  /** Aborting ends the command's channel (SSH) or kills its process group (local). */
  signal?: AbortSignal;
}

export interface FileStat {
  size: number;
  mtimeMs: number;
  /** Type of the path itself: symlinks are not followed. */
  type: "file" | "directory" | "symlink" | "other";
  mode: number;
}

export interface DirEntry {
  name: string;
  type: FileStat["type"];
  size: number;
}

export interface TransferOptions {
  /** Called as bytes move: (transferred, total). */
  onProgress?(transferred: number, total: number): void;
}

export interface RemoteHost {
  readonly name: string;
  /** `ssh` or `local`. */
  readonly kind: "ssh" | "local";
  exec(argv: string[], options?: ExecOptions): Promise<ExecResult>;
  /** Run a fixed sh script with values as positional parameters ("$1", ...). */
  script(script: string, args?: string[], options?: ExecOptions): Promise<ExecResult>;
  /** Long-running command with output delivered as it comes. */
  stream(argv: string[], options: StreamOptions): Promise<{ code: number | null; signal?: string }>;
  writeFile(path: string, content: string | Buffer, options?: { mode?: number }): Promise<void>;
  /** Bytes from `offset` (default 0), at most `length` (default: to the end). */
  readFile(path: string, options?: { offset?: number; length?: number }): Promise<Buffer>;
  /** lstat; null when the path does not exist. */
  stat(path: string): Promise<FileStat | null>;
  readdir(path: string): Promise<DirEntry[]>;
  putFile(localPath: string, remotePath: string, options?: TransferOptions): Promise<void>;
  /** With `offset`, appends the remote bytes from there to an existing local file (resume). */
  getFile(
    remotePath: string,
    localPath: string,
    options?: TransferOptions & { offset?: number },
  ): Promise<void>;
  close(): Promise<void>;
}
