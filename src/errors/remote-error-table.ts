import { remoteErrorRows } from "./remote-error-rows.js";
import { InfraError, UserError, type TunectlError } from "./tunectl-error.js";

/**
 * Remote stderr (ssh, docker, podman, python, CUDA, curl, S3, the shell) mapped to what a
 * person can act on. Patterns are case-sensitive and quote the tool's own wording, so no row
 * matches another row's message (remote-error-table.test.ts proves it on real messages).
 */
export interface RemoteErrorRow {
  code: string;
  kind: "user" | "infra";
  pattern: RegExp;
  /** The headline, filled from the pattern's named groups. */
  message(groups: Record<string, string | undefined>): string;
  resolution: string;
}

/** A row that matched, its message filled from the remote's own words. */
export interface RemoteErrorMatch {
  code: string;
  kind: "user" | "infra";
  message: string;
  resolution: string;
  row: RemoteErrorRow;
}

export const remoteErrorTable: readonly RemoteErrorRow[] = remoteErrorRows;

export function matchRemoteError(text: string): RemoteErrorMatch | undefined {
  for (const row of remoteErrorTable) {
    const match = row.pattern.exec(text);
    if (!match) continue;
    return {
      code: row.code,
      kind: row.kind,
      message: row.message(match.groups ?? {}),
      resolution: row.resolution,
      row,
    };
  }
  return undefined;
}

/** Build the error for a remote failure: the table's words first, the remote's own words kept. */
export function remoteError(context: string, remoteText: string, cause?: unknown): TunectlError {
  const found = matchRemoteError(remoteText);
  const tail = remoteText.trim().split("\n").slice(-3).join(" | ");
  if (!found) {
    return new InfraError(`${context}: ${tail || "failed"}`, { code: "remote.failed", cause });
  }
  const ErrorClass = found.kind === "user" ? UserError : InfraError;
  return new ErrorClass(`${context}: ${found.message} (${tail})`, {
    code: found.code,
    hint: found.resolution,
    cause,
  });
}
