import { CommanderError } from "commander";
import { isTunectlError, type ErrorKind } from "../errors/index.js";

/** DESIGN.md exit codes, decided here and nowhere else. */
export const ExitCode = {
  ok: 0,
  internal: 1,
  user: 2,
  infra: 3,
  runEnded: 4,
  interrupted: 130,
} as const;

const byKind: Record<ErrorKind, number> = {
  user: ExitCode.user,
  infra: ExitCode.infra,
  "run-ended": ExitCode.runEnded,
  interrupted: ExitCode.interrupted,
};

export function exitCodeFor(error: unknown): number {
  if (isTunectlError(error)) return byKind[error.kind];
  if (error instanceof CommanderError) return error.exitCode === 0 ? ExitCode.ok : ExitCode.user;
  return ExitCode.internal;
}
