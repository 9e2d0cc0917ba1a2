import type { z } from "zod";
import { InfraError } from "../errors/index.js";

/** Where a document came from, for messages: a host name (or "bucket", "local") and a path. */
export interface DocumentOrigin {
  host: string;
  file: string;
}

export type DocumentCheck<T> = { ok: true; value: T } | { ok: false; problem: string };

/** The first few issues as `path: message`, the way a person fixes them. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.length ? issue.path.join(".") : "(document)"}: ${issue.message}`)
    .join("; ");
}

/** JSON text -> a value of `schema`, or a one-line problem; never throws. */
export function checkDocument<S extends z.ZodType>(
  schema: S,
  text: string | Buffer,
): DocumentCheck<z.output<S>> {
  let value: unknown;
  try {
    value = JSON.parse(typeof text === "string" ? text : text.toString("utf8"));
  } catch {
    return { ok: false, problem: "not valid JSON" };
  }
  const parsed = schema.safeParse(value);
  return parsed.success
    ? { ok: true, value: parsed.data }
    : { ok: false, problem: describeIssues(parsed.error) };
}

/**
 * JSON text read back from a host -> a value of `schema`. A bad document is an infrastructure
 * error naming the host and file (exit 3): the trainer or the host broke the contract.
 */
export function parseDocument<S extends z.ZodType>(
  schema: S,
  text: string | Buffer,
  origin: DocumentOrigin,
): z.output<S> {
  const checked = checkDocument(schema, text);
  if (checked.ok) return checked.value;
  throw new InfraError(
    `${origin.host}: ${origin.file} breaks the trainer contract: ${checked.problem}`,
    {
      code: "contract.invalid_document",
      hint: "the trainer image and tunectl may be out of step; rebuild the image from this version",
      data: { host: origin.host, file: origin.file, problem: checked.problem },
    },
  );
}
