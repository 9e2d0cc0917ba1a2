import { InfraError, UserError } from "../errors/index.js";
import { currentRecordSchema, type Attempt, type RunRecord } from "./run-record.js";
import { isTerminal, type RunState } from "./run-state.js";

/** An attempt as schema 1 wrote it: every field optional beside its state, flags for sub-states. */
interface AttemptV1 {
  n: number;
  state: RunState;
  reason: Attempt["reason"];
  host?: string;
  gpus?: number[];
  runtime?: Attempt["runtime"];
  handle?: string;
  host_dir?: string;
  resume_from?: Attempt["resume_from"];
  created_at: string;
  started_at?: string;
  ended_at?: string;
  exit_code?: number | null;
  final_step?: number;
  error?: { code: string; message: string };
  offsets?: Attempt["offsets"];
  unreachable_since?: string | null;
  launcher?: Attempt["launcher"];
}

const placedFields = ["host", "gpus", "runtime", "handle", "host_dir", "started_at"] as const;

function migrateAttempt(old: AttemptV1, cancelRequestedAt: string | undefined, updatedAt: string) {
  const a: Record<string, unknown> = { ...old };
  delete a.unreachable_since;
  if (a.exit_code === null) delete a.exit_code;
  if (["pending", "staging", "placing"].includes(old.state)) {
    for (const key of placedFields) delete a[key];
  }
  if (old.state === "launching") {
    delete a.handle;
    delete a.started_at;
  }
  if (isTerminal(old.state)) {
    delete a.launcher;
    a.ended_at ??= updatedAt;
    if (old.state === "lost") a.lost_cause = "gone";
    if ((old.state === "failed" || old.state === "lost") && !old.error)
      a.error = {
        code: `run.${old.state}`,
        message: `${old.state} (recorded by an earlier tunectl)`,
      };
  }
  if (old.state === "running" || old.state === "stopping") {
    delete a.launcher;
    a.handle ??= "";
    a.started_at ??= old.created_at;
    a.link = old.unreachable_since
      ? { state: "unreachable", since: old.unreachable_since }
      : { state: "reachable" };
  }
  if (old.state === "stopping") a.stop = { requested_at: cancelRequestedAt ?? updatedAt };
  return a as unknown as Attempt;
}

/**
 * run.json of any schema this tunectl knows, as the current schema. Schema 1 kept sub-states
 * as flags (`cancel_requested_at` on the run, `unreachable_since` on the attempt) and every
 * attempt field optional; they become the `stop` and `link` of the attempt variants.
 */
export function migrateRecord(raw: unknown, file: string): RunRecord {
  const record = raw as { schema?: unknown } & Record<string, unknown>;
  if (record.schema === currentRecordSchema) return record as unknown as RunRecord;
  if (record.schema !== 1) {
    throw new InfraError(
      `${file}: run record schema ${String(record.schema)} is not one this tunectl reads`,
      {
        code: "run.record_schema",
        hint: "it was written by a newer tunectl: upgrade tunectl",
      },
    );
  }
  const updatedAt = String(record.updated_at);
  const cancelAt =
    typeof record.cancel_requested_at === "string" ? record.cancel_requested_at : undefined;
  const attempts = (record.attempts as AttemptV1[]).map((attempt) =>
    migrateAttempt(attempt, cancelAt, updatedAt),
  );
  const { cancel_requested_at: _dropped, ...rest } = record;
  return { ...(rest as unknown as RunRecord), schema: currentRecordSchema, attempts };
}

/**
 * run.json text -> a RunRecord of the current schema. The schema version and envelope are
 * checked (the attempts' own shape belongs to the reducer); a record that fails is an error
 * naming the file, and one written by a newer tunectl asks for an upgrade.
 */
export function parseRunRecord(text: string, file: string): RunRecord {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw invalidRecord(file, "not valid JSON");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw invalidRecord(file, "not a JSON object");
  }
  const record = value as Record<string, unknown>;
  if (typeof record.schema === "number" && record.schema > currentRecordSchema) {
    throw new UserError(
      `${file} was written by a newer tunectl (run.json schema ${record.schema})`,
      {
        code: "run.record_newer",
        hint: `upgrade tunectl to read it (this one reads schemas 1 to ${currentRecordSchema})`,
      },
    );
  }
  if (record.schema !== 1 && record.schema !== currentRecordSchema) {
    throw invalidRecord(
      file,
      `schema is ${JSON.stringify(record.schema)}, expected ${currentRecordSchema}`,
    );
  }
  if (typeof record.id !== "string" || typeof record.state !== "string") {
    throw invalidRecord(file, "id and state must be strings");
  }
  if (!Array.isArray(record.attempts)) throw invalidRecord(file, "attempts must be a list");
  return migrateRecord(record, file);
}

function invalidRecord(file: string, problem: string): InfraError {
  return new InfraError(`${file} is not a readable run record: ${problem}`, {
    code: "run.record_invalid",
    hint: "restore it from the bucket's runs/ mirror (tunectl sync) or remove the run's directory",
    data: { file, problem },
  });
}
