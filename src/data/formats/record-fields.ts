import type { RecordProblem } from "../example.js";

/**
 * Reads fields of one record under the source's field mapping, collecting problems instead
 * of throwing, so every wrong field of a record is reported at once.
 */
export class RecordFields {
  readonly problems: RecordProblem[] = [];
  /** Reported but not fatal: the record is still used (e.g. an empty output). */
  readonly warnings: RecordProblem[] = [];
  readonly object: Record<string, unknown> | undefined;

  constructor(
    value: unknown,
    readonly where: string,
    private readonly mapping: Record<string, string> = {},
  ) {
    if (typeof value === "object" && value !== null && !Array.isArray(value)) {
      this.object = value as Record<string, unknown>;
    } else {
      this.problems.push({ where, message: `record must be an object (got ${kindOf(value)})` });
    }
  }

  /** The record's name for a field, after mapping (`output` -> `answer`). */
  name(field: string): string {
    return this.mapping[field] ?? field;
  }

  raw(field: string): unknown {
    return this.object?.[this.name(field)];
  }

  /**
   * A required string; `nonEmpty` reports blank text as a problem, `warnIfEmpty` as a
   * warning that keeps the record.
   */
  text(field: string, opts: { nonEmpty?: string; warnIfEmpty?: string } = {}): string | undefined {
    if (!this.object) return undefined;
    const value = this.raw(field);
    if (value === undefined || value === null) {
      this.problem(this.name(field), "missing");
      return undefined;
    }
    const text = this.checkText(value, this.name(field), opts.nonEmpty);
    if (text !== undefined && opts.warnIfEmpty && text.trim() === "")
      this.warn(this.name(field), opts.warnIfEmpty);
    return text;
  }

  /** An optional string: missing or null reads as undefined. */
  optionalText(field: string): string | undefined {
    if (!this.object) return undefined;
    const value = this.raw(field);
    if (value === undefined || value === null) return undefined;
    return this.checkText(value, this.name(field));
  }

  checkText(value: unknown, path: string, emptyMessage?: string): string | undefined {
    if (typeof value !== "string") {
      this.problem(path, `must be a string (got ${kindOf(value)})`);
      return undefined;
    }
    if (emptyMessage && value.trim() === "") {
      this.problem(path, emptyMessage);
      return undefined;
    }
    return value;
  }

  warn(field: string, message: string): void {
    this.warnings.push({ where: this.where, field, message });
  }

  problem(field: string | undefined, message: string): void {
    this.problems.push({ where: this.where, ...(field === undefined ? {} : { field }), message });
  }
}

export function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}
