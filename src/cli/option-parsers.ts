import { accessSync, constants, statSync } from "node:fs";
import path from "node:path";
import { InvalidArgumentError } from "commander";

/**
 * Typed parsers for option values, shared by every command (commander's argParser). A bad
 * value is refused while the flags are parsed, before anything runs: commander names the flag
 * ("option '--tail <n>' argument 'abc' is invalid. <why>") and the exit code is 2.
 */
export type OptionParser<T> = (value: string) => T;

const wholeNumber = /^[+]?\d+$/;

/** A whole number >= `min` (default 0). */
export function integer(min = 0): OptionParser<number> {
  return (value) => {
    const n = Number(value);
    if (!wholeNumber.test(value.trim()) || !Number.isSafeInteger(n)) {
      throw new InvalidArgumentError(`expected a whole number, e.g. 10`);
    }
    if (n < min) throw new InvalidArgumentError(`expected ${min} or more`);
    return n;
  };
}

export const count = integer(0);
export const positiveInteger = integer(1);

const units: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600 };

/**
 * A duration in seconds: `90`, `1.5`, `30s`, `2m`, `1h`, `500ms`. `min` is exclusive when
 * `positive` (an interval of 0 would spin), inclusive otherwise (a grace of 0 is a choice).
 */
export function seconds(options: { positive: boolean }): OptionParser<number> {
  return (value) => {
    const match = /^(\d+(?:\.\d+)?|\.\d+)\s*(ms|s|m|h)?$/.exec(value.trim());
    if (!match) throw new InvalidArgumentError(`expected seconds, e.g. 30, 30s, 2m or 1h`);
    const n = Number(match[1]) * units[match[2] ?? "s"]!;
    if (options.positive && n <= 0) throw new InvalidArgumentError(`expected more than 0 seconds`);
    return n;
  };
}

export const positiveSeconds = seconds({ positive: true });
export const nonNegativeSeconds = seconds({ positive: false });

/**
 * A file this command will create or replace: not a directory, in a directory that exists and
 * may be written. Checked up front so a long command does not fail at its last step.
 */
export function writableFile(value: string): string {
  if (value.trim() === "") throw new InvalidArgumentError("expected a file name");
  const target = path.resolve(value);
  const existing = statOrUndefined(target);
  if (existing?.isDirectory()) {
    throw new InvalidArgumentError(
      `${value} is a directory; give a file name, e.g. ${path.join(value, "out")}`,
    );
  }
  const dir = path.dirname(target);
  const parent = statOrUndefined(dir);
  if (!parent) throw new InvalidArgumentError(`directory ${dir} does not exist; create it first`);
  if (!parent.isDirectory()) throw new InvalidArgumentError(`${dir} is not a directory`);
  try {
    accessSync(existing ? target : dir, constants.W_OK);
  } catch {
    throw new InvalidArgumentError(`${existing ? target : dir} is not writable`);
  }
  return value;
}

function statOrUndefined(file: string) {
  try {
    return statSync(file);
  } catch {
    return undefined;
  }
}
