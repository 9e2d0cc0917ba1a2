import { spawn, type ChildProcess } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const bin = path.resolve("bin", "tunectl.js");

export interface CliResult {
  code: number;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * A fresh workspace as a new user has it: the example experiments and data copied in, the
 * embedded defaults (local store, host `local`) unless a tunectl.yaml is written.
 */
export class UserWorkspace {
  readonly dir = mkdtempSync(path.join(tmpdir(), "tunectl-bad-input-"));

  constructor() {
    cpSync(path.resolve("configs"), this.dir, { recursive: true });
    rmSync(this.file("tunectl.yaml"), { force: true });
  }

  file(name: string): string {
    return path.join(this.dir, name);
  }

  write(name: string, content: string | Buffer): string {
    writeFileSync(this.file(name), content);
    return this.file(name);
  }

  /** `tunectl --workspace DIR ARGS...` from the built CLI (npm run build), as a user runs it. */
  tunectl(...args: string[]): Promise<CliResult> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [bin, "--workspace", this.dir, ...args], {
        cwd: this.dir,
        env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", NO_COLOR: "1" },
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      child.on("close", (code, signal) => resolve({ code: code ?? -1, signal, stdout, stderr }));
    });
  }

  /** Start tunectl and leave it running (for signals). */
  start(...args: string[]): ChildProcess {
    return spawn(process.execPath, [bin, "--workspace", this.dir, ...args], {
      cwd: this.dir,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
  }

  /** Run directories in the registry. */
  runs(): string[] {
    const dir = this.file(".tunectl/runs");
    return existsSync(dir) ? readdirSync(dir) : [];
  }

  /** Everything staged in the local store (the embedded `.tunectl/store`, or `dir`). */
  staged(dir = ".tunectl/store"): string[] {
    const root = this.file(dir);
    return existsSync(root) ? readdirSync(root, { recursive: true }).map(String) : [];
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
