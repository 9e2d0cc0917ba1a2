import { formatProblem, type Problem } from "./problem.js";

/**
 * The error families of tunectl. Exit codes are decided from `kind` in one place
 * (cli/exit-code.ts); everything else only throws.
 * - user: bad config, data, flag or run reference; carries what to do next.
 * - infra: a host, the object store or a container runtime is unreachable or refusing.
 * - run-ended: a run the command waited on ended failed, cancelled or lost.
 * - interrupted: the user pressed Ctrl-C; runs keep going.
 */
export type ErrorKind = "user" | "infra" | "run-ended" | "interrupted";

export interface TunectlErrorOptions {
  /** Stable machine-readable code, e.g. `config.unknown_key`, `ssh.host_key_changed`. */
  code: string;
  hint?: string;
  problems?: Problem[];
  data?: Record<string, unknown>;
  cause?: unknown;
}

export abstract class TunectlError extends Error {
  abstract readonly kind: ErrorKind;
  readonly code: string;
  readonly hint?: string;
  readonly problems: Problem[];
  readonly data?: Record<string, unknown>;

  constructor(message: string, options: TunectlErrorOptions) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.code = options.code;
    this.hint = options.hint;
    this.problems = options.problems ?? [];
    this.data = options.data;
  }

  /** The full human text: headline, one line per problem, then the hint. */
  describe(): string {
    const lines = [this.message, ...this.problems.map(formatProblem)];
    if (this.hint) lines.push(`hint: ${this.hint}`);
    return lines.join("\n");
  }
}

export class UserError extends TunectlError {
  readonly kind = "user" as const;
}

export class InfraError extends TunectlError {
  readonly kind = "infra" as const;
}

export class RunEndedError extends TunectlError {
  readonly kind = "run-ended" as const;
}

export class InterruptedError extends TunectlError {
  readonly kind = "interrupted" as const;
}

export function isTunectlError(error: unknown): error is TunectlError {
  return error instanceof TunectlError;
}
