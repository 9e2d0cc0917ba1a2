import { readFileSync } from "node:fs";
import { Command, CommanderError } from "commander";
import { isTunectlError } from "../errors/index.js";
import { createContext, globalsOf, type App } from "./app.js";
import { commands } from "./commands/index.js";
import { ExitCode, exitCodeFor } from "./exit-code.js";
import { commandFailed } from "./events.js";
import { createIo, type Io } from "./io.js";

const stopSignals = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

/** The version printed by `--version`: package.json's, the one npm installed. */
export function packageVersion(): string {
  const file = new URL("../../package.json", import.meta.url);
  return (JSON.parse(readFileSync(file, "utf8")) as { version: string }).version;
}

const mainHelpFooter = `
Examples:
  tunectl validate configs/tiny-cpu.yaml          check an experiment and its data
  tunectl run configs/tiny-cpu.yaml --host gpu-a  launch and follow (Ctrl-C detaches)
  tunectl ps                                      runs, reconciled with their hosts
  tunectl attach last                             follow the newest run again
  tunectl compare last~1 last                     the two newest runs side by side
  tunectl hosts --resolve                         hosts as OpenSSH resolves them, no connection
  eval "$(tunectl completion bash)"               shell completion (also zsh, fish)

Exit codes:
  0    ok
  1    internal error (a bug in tunectl: please report it)
  2    user error: usage, config or dataset (the message names file:line:col or the field)
  3    infrastructure error: a host, the object store or a runtime unreachable or refusing
  4    the run ended failed, cancelled or lost (commands that wait for it)
  130  interrupted (a run keeps going; re-attach with tunectl attach RUN)

Every command takes --help. Docs: README.md and docs/ in the package.`;

export async function main(argv: string[]): Promise<number> {
  let exitCode: number = ExitCode.ok;
  const program = new Command("tunectl")
    .description(
      "Instruction-tuning orchestrator: validate, stage, launch, monitor, resume, compare.",
    )
    .version(packageVersion())
    .option("--json", "machine-readable output on stdout")
    .option("-v, --verbose", "show debug events")
    .option("--quiet", "only warnings and errors")
    .option("--workspace <dir>", "workspace directory (default: nearest tunectl.yaml upwards)")
    .option(
      "--accept-new-host-key",
      "record an unknown SSH host key (a changed one is always refused)",
    )
    .addHelpText("after", mainHelpFooter)
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });

  const app: App = {
    action(body) {
      return async (...args: unknown[]) => {
        const command = args[args.length - 1] as Command;
        const interrupt = new AbortController();
        const ctx = createContext(globalsOf(command), interrupt.signal);
        // First Ctrl-C: commands that follow a run detach cleanly; anything else gets a few
        // seconds to wind down. A second Ctrl-C leaves at once. SIGTERM (kill, systemd) and
        // SIGHUP (the terminal closed) mean the same: stop here, cleanly; runs keep going.
        const onSigint = () => {
          if (interrupt.signal.aborted) process.exit(ExitCode.interrupted);
          interrupt.abort();
          setTimeout(() => process.exit(ExitCode.interrupted), 5000).unref();
        };
        for (const signal of stopSignals) process.on(signal, onSigint);
        try {
          const code = await body(ctx, ...args.slice(0, -1));
          exitCode = typeof code === "number" ? code : ExitCode.ok;
          // a watch or follow that ended because it was told to stop says so, like Ctrl-C
          if (interrupt.signal.aborted && exitCode === ExitCode.ok) exitCode = ExitCode.interrupted;
        } catch (error) {
          exitCode = reportError(error, ctx.globals.json, ctx.io);
        } finally {
          for (const signal of stopSignals) process.removeListener(signal, onSigint);
          await ctx.close();
        }
      };
    },
  };

  for (const register of commands) register(program, app);
  program.commands.forEach((command) => command.exitOverride());

  try {
    await program.parseAsync(argv, { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) {
      // commander has said it on stderr; --json callers also get it on stdout, as a document
      if (error.exitCode !== 0 && argv.includes("--json")) {
        const message = error.message.replace(/^error: /, "");
        const body = {
          error: {
            kind: "user",
            code: `usage.${error.code.replace(/^commander\./, "").replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}`,
            message,
          },
        };
        process.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
      }
      return exitCodeFor(error);
    }
    return reportError(error, argv.includes("--json"));
  }
  return exitCode;
}

/**
 * The error goes to stdout as `{"error": ...}` with --json, and to stderr as a
 * `command.failed` event through the command's own io (after its status line is gone).
 */
function reportError(error: unknown, json: boolean, io?: Io): number {
  const code = exitCodeFor(error);
  if (json) {
    const body = isTunectlError(error)
      ? {
          error: {
            kind: error.kind,
            code: error.code,
            message: error.message,
            problems: error.problems,
            hint: error.hint,
            data: error.data,
          },
        }
      : { error: { kind: "internal", code: "internal", message: String(error) } };
    process.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
  }
  const sink = io ?? createIo({ json, verbose: false, quiet: false });
  sink.status(null);
  if (isTunectlError(error)) {
    commandFailed.emit(sink, error.describe(), { error: error.code, kind: error.kind });
  } else {
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    commandFailed.emit(sink, `internal error (a bug in tunectl): ${detail}`, {
      error: "internal",
      kind: "internal",
    });
  }
  if (!io) void sink.close();
  return code;
}
