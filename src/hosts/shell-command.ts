import { UserError } from "../errors/index.js";

/**
 * Every command line tunectl sends to a host is built here and nowhere else. Each argument is
 * wrapped in POSIX single quotes, inside which the shell interprets nothing; an embedded quote
 * becomes `'\''` (close, escaped quote, reopen). No value from a config, a run name or a
 * dataset ever reaches a shell unquoted.
 */
export function shellQuote(arg: string): string {
  if (arg.includes("\0")) {
    throw new UserError("a command argument contains a NUL byte", {
      code: "shell.nul_byte",
      hint: "remove the NUL character from the value",
    });
  }
  return `'${arg.replaceAll("'", `'\\''`)}'`;
}

const envNamePattern = /^[A-Za-z_][A-Za-z0-9_]*$/;

export interface ShellCommandOptions {
  /** Assignments placed before the command (`NAME='value' cmd ...`); names are checked. */
  env?: Record<string, string>;
  /** Directory to run in; the command only runs if `cd` succeeds. */
  cwd?: string;
}

/** One command line from an argv array: quoted words, optional env assignments and cwd. */
export function shellCommand(argv: readonly string[], options: ShellCommandOptions = {}): string {
  if (argv.length === 0) throw new Error("shellCommand: empty argv");
  const words: string[] = [];
  for (const [name, value] of Object.entries(options.env ?? {})) {
    if (!envNamePattern.test(name)) {
      throw new UserError(`invalid environment variable name ${JSON.stringify(name)}`, {
        code: "shell.bad_env_name",
        hint: "names are letters, digits and _, not starting with a digit",
      });
    }
    words.push(`${name}=${shellQuote(value)}`);
  }
  words.push(...argv.map(shellQuote));
  const command = words.join(" ");
  return options.cwd === undefined ? command : `cd ${shellQuote(options.cwd)} && ${command}`;
}

/**
 * A fixed sh script (a constant in tunectl's source) run with values passed as positional
 * parameters (`"$1"`, `"$2"`, ...), so the script text never contains a config value.
 */
export function scriptCommand(
  script: string,
  args: readonly string[] = [],
  options: ShellCommandOptions = {},
): string {
  return shellCommand(["sh", "-c", script, "tunectl-sh", ...args], options);
}
