import type { Command } from "commander";
import { createIo, type GlobalOptions, type Io } from "./io.js";

/**
 * The composition root: every port a command needs is created here, once and lazily, so
 * `tunectl --help` never loads the AWS SDK or ssh2. Later capabilities add their ports here.
 */
export interface CommandContext {
  io: Io;
  globals: GlobalOptions;
  /** Cleanup to run when the command ends or is interrupted (close SSH pools, flush). */
  onClose(fn: () => Promise<void> | void): void;
}

// Commander hands positional arguments and options untyped; each command types its own.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Action = (ctx: CommandContext, ...args: any[]) => Promise<number | void>;

export interface App {
  /** Wrap a command body: builds the context, maps errors to exit codes, runs cleanups. */
  action(body: Action): (...args: unknown[]) => Promise<void>;
}

export type RegisterCommand = (program: Command, app: App) => void;

export function globalsOf(command: Command): GlobalOptions {
  const all = command.optsWithGlobals() as Partial<GlobalOptions>;
  return {
    json: Boolean(all.json),
    verbose: Boolean(all.verbose),
    quiet: Boolean(all.quiet),
    workspace: all.workspace,
  };
}

export function createContext(globals: GlobalOptions): CommandContext & { close(): Promise<void> } {
  const io = createIo(globals);
  const cleanups: Array<() => Promise<void> | void> = [];
  return {
    io,
    globals,
    onClose: (fn) => void cleanups.push(fn),
    async close() {
      for (const fn of cleanups.reverse()) {
        try {
          await fn();
        } catch {
          // cleanup must not hide the command's own outcome
        }
      }
      await io.close();
    },
  };
}
