import type { Command } from "commander";
import type { Workspace } from "../config/index.js";
import type { HostPool } from "../hosts/index.js";
import type { LaunchDeps } from "../launch/index.js";
import type { RunRegistry } from "../runs/index.js";
import type { ObjectStore } from "../storage/index.js";
import { createIo, type GlobalOptions, type Io } from "./io.js";

/**
 * The composition root: every port a command needs is created here, once and lazily, so
 * `tunectl --help` never loads the AWS SDK or ssh2. Later capabilities add their ports here.
 */
export interface CommandContext {
  io: Io;
  globals: GlobalOptions;
  /** Aborted on Ctrl-C: following commands detach cleanly (the run keeps going). */
  interrupted: AbortSignal;
  /** Cleanup to run when the command ends or is interrupted (close SSH pools, flush). */
  onClose(fn: () => Promise<void> | void): void;
  /** The workspace (nearest tunectl.yaml, or embedded defaults), loaded once. */
  workspace(): Promise<Workspace>;
  /** The run registry under the workspace's state dir. */
  registry(): Promise<RunRegistry>;
  /** SSH connections to the workspace's hosts, one per host, closed when the command ends. */
  hosts(): Promise<HostPool>;
  /** The workspace's object store (loads the AWS SDK for s3:// storage). */
  store(): Promise<ObjectStore>;
  /** The ports launching, following and reconciling runs need. */
  launchDeps(): Promise<LaunchDeps>;
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
    acceptNewHostKey: Boolean(all.acceptNewHostKey),
  };
}

export function createContext(
  globals: GlobalOptions,
  interrupted: AbortSignal,
): CommandContext & { close(): Promise<void> } {
  const io = createIo(globals);
  const cleanups: Array<() => Promise<void> | void> = [];
  const once = <T>(make: () => Promise<T>) => {
    let value: Promise<T> | undefined;
    return () => (value ??= make());
  };
  const workspace = once(async () => {
    const { loadWorkspace } = await import("../config/index.js");
    return loadWorkspace({ dir: globals.workspace, cwd: process.cwd(), env: process.env });
  });
  const registry = once(async () => {
    const { RunRegistry } = await import("../runs/index.js");
    return new RunRegistry((await workspace()).stateDir);
  });
  const hosts = once(async () => {
    const { createHostPool } = await import("../hosts/index.js");
    const pool = await createHostPool({
      workspace: await workspace(),
      reporter: io,
      acceptNewHostKey: globals.acceptNewHostKey,
    });
    cleanups.push(() => pool.closeAll());
    return pool;
  });
  const store = once(async () => {
    const { createObjectStore } = await import("../storage/index.js");
    const ws = await workspace();
    return createObjectStore(ws.config.storage, { root: ws.root, reporter: io });
  });
  const launchDeps = once(async (): Promise<LaunchDeps> => {
    const { systemClock } = await import("../report/index.js");
    const { localLauncherAlive, runtimeFor, thisLauncher } = await import("../launch/index.js");
    return {
      workspace: await workspace(),
      registry: await registry(),
      hosts: await hosts(),
      store,
      runtime: runtimeFor,
      reporter: io,
      clock: systemClock,
      launcher: thisLauncher(),
      launcherAlive: localLauncherAlive,
      env: process.env,
      signal: interrupted,
    };
  });
  return {
    io,
    globals,
    interrupted,
    workspace,
    registry,
    hosts,
    store,
    launchDeps,
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
