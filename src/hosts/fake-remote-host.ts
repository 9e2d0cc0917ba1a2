import { InfraError } from "../errors/index.js";
import type {
  DirEntry,
  ExecOptions,
  ExecResult,
  FileStat,
  RemoteHost,
  StreamOptions,
} from "./remote-host.js";

/** Answers a script or command the fake was sent; undefined passes it to the next handler. */
export type FakeCommandHandler = (text: string, args: string[]) => Partial<ExecResult> | undefined;

/**
 * A hand-written fake of the RemoteHost port for unit tests: commands and scripts are answered
 * by handlers a test adds, every call is recorded, and `cut()` makes the host stop answering
 * like a host behind a cut link. Without a `delegate`, files live in a map and an unanswered
 * command exits 0 with no output; with one (a LocalHost over a temp dir), unanswered commands
 * and every file operation run there for real.
 */
export class FakeRemoteHost implements RemoteHost {
  readonly kind = "ssh" as const;
  readonly files = new Map<string, Buffer>();
  readonly commands: Array<{ text: string; args: string[] }> = [];
  private readonly handlers: FakeCommandHandler[] = [];
  private down = false;

  constructor(
    readonly name: string,
    private readonly delegate?: RemoteHost,
  ) {}

  /** Answer commands whose text matches `pattern` (a script body or the joined argv). */
  on(pattern: RegExp, result: Partial<ExecResult> | FakeCommandHandler): this {
    this.handlers.push((text, args) =>
      pattern.test(text) ? (typeof result === "function" ? result(text, args) : result) : undefined,
    );
    return this;
  }

  cut(): void {
    this.down = true;
  }

  restore(): void {
    this.down = false;
  }

  private check(): void {
    if (this.down) {
      throw new InfraError(`${this.name}: connection timed out`, { code: "ssh.unreachable" });
    }
  }

  private answer(text: string, args: string[]): ExecResult | undefined {
    this.check();
    this.commands.push({ text, args });
    for (const handler of this.handlers) {
      const result = handler(text, args);
      if (result) return { code: 0, stdout: "", stderr: "", ...result };
    }
    return this.delegate ? undefined : { code: 0, stdout: "", stderr: "" };
  }

  async exec(argv: string[], options?: ExecOptions): Promise<ExecResult> {
    return this.answer(argv.join(" "), argv) ?? this.delegate!.exec(argv, options);
  }

  async script(script: string, args: string[] = [], options?: ExecOptions): Promise<ExecResult> {
    return this.answer(script, args) ?? this.delegate!.script(script, args, options);
  }

  async stream(argv: string[], options: StreamOptions) {
    const result = this.answer(argv.join(" "), argv);
    if (!result) return this.delegate!.stream(argv, options);
    if (result.stdout) options.onStdout(Buffer.from(result.stdout));
    return { code: result.code };
  }

  async writeFile(path: string, content: string | Buffer): Promise<void> {
    this.check();
    if (this.delegate) return this.delegate.writeFile(path, content);
    this.files.set(path, Buffer.from(content));
  }

  async readFile(path: string, options: { offset?: number; length?: number } = {}) {
    this.check();
    if (this.delegate) return this.delegate.readFile(path, options);
    const bytes = this.files.get(path);
    if (!bytes) throw Object.assign(new Error(`${path}: no such file`), { code: "ENOENT" });
    const start = options.offset ?? 0;
    return bytes.subarray(start, options.length === undefined ? undefined : start + options.length);
  }

  async stat(path: string): Promise<FileStat | null> {
    this.check();
    if (this.delegate) return this.delegate.stat(path);
    const bytes = this.files.get(path);
    return bytes ? { size: bytes.length, mtimeMs: 0, type: "file", mode: 0o644 } : null;
  }

  async readdir(path: string): Promise<DirEntry[]> {
    this.check();
    if (this.delegate) return this.delegate.readdir(path);
    const prefix = path.endsWith("/") ? path : `${path}/`;
    return [...this.files.entries()]
      .filter(([name]) => name.startsWith(prefix) && !name.slice(prefix.length).includes("/"))
      .map(([name, bytes]) => ({
        name: name.slice(prefix.length),
        type: "file",
        size: bytes.length,
      }));
  }

  async putFile(localPath: string, remotePath: string): Promise<void> {
    this.check();
    await this.delegate?.putFile(localPath, remotePath);
  }

  async getFile(remotePath: string, localPath: string, options?: { offset?: number }) {
    this.check();
    await this.delegate?.getFile(remotePath, localPath, options);
  }

  async close(): Promise<void> {}
}
