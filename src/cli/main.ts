import { readFileSync } from "node:fs";
import { Command, CommanderError } from "commander";
import { isTunectlError } from "../errors/index.js";
import { createContext, globalsOf, type App } from "./app.js";
import { commands } from "./commands/index.js";
import { ExitCode, exitCodeFor } from "./exit-code.js";
import { createIo } from "./io.js";

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
        // seconds to wind down. A second Ctrl-C leaves at once.
        const onSigint = () => {
          if (interrupt.signal.aborted) process.exit(ExitCode.interrupted);
          interrupt.abort();
          setTimeout(() => process.exit(ExitCode.interrupted), 5000).unref();
        };
        process.on("SIGINT", onSigint);
        try {
          const code = await body(ctx, ...args.slice(0, -1));
          exitCode = typeof code === "number" ? code : ExitCode.ok;
        } catch (error) {
          exitCode = reportError(error, ctx.globals.json);
        } finally {
          process.removeListener("SIGINT", onSigint);
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
    if (error instanceof CommanderError) return exitCodeFor(error);
    return reportError(error, argv.includes("--json"));
  }
  return exitCode;
}

function reportError(error: unknown, json: boolean): number {
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
  const io = createIo({ json: false, verbose: false, quiet: false });
  if (isTunectlError(error)) {
    io.emit({ level: "error", code: error.code, message: error.describe() });
  } else {
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    io.emit({
      level: "error",
      code: "internal",
      message: `internal error (a bug in tunectl): ${detail}`,
    });
  }
  return code;
}
