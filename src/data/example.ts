/**
 * The normalized record every format reads into and every template renders from.
 * A conversation always alternates user/assistant, starts with a user turn and ends with an
 * assistant turn; formats enforce that before building one.
 */
export type Role = "system" | "user" | "assistant";

export interface Turn {
  role: "user" | "assistant";
  content: string;
  /** Alpaca's `input`: context the alpaca template writes in its own block; others append it. */
  input?: string;
}

export interface Conversation {
  kind: "conversation";
  system?: string;
  turns: Turn[];
  /** How a builder made the record; written as the rendered record's `meta`. */
  meta?: RecordMeta;
}

/** Provenance of a record built from labelled data (text-label): what rendered it. */
export interface RecordMeta {
  /** The template's id, e.g. `sentiment/3` or a config's own id. */
  template: string;
  /** Exemplars before the record (0: zero-shot). */
  shots: number;
  /** Whether the options block was shown. */
  options: boolean;
}

export interface Segment {
  text: string;
  train: boolean;
}

export interface SegmentsExample {
  kind: "segments";
  segments: Segment[];
}

export type Example = Conversation | SegmentsExample;

/** One record as read from a file, before its format interprets it. */
export interface RawRecord {
  value: unknown;
  /** `FILE:LINE` or `FILE[index]`: how problems name this record. */
  readonly where: string;
  /** Set when the record itself could not be read (bad JSON, invalid UTF-8, wrong column count). */
  error?: string;
}

/** A record at a line; its `where` is built only when asked for (most records never are). */
export class LineRecord implements RawRecord {
  constructor(
    private readonly file: string,
    private readonly line: number,
    public value: unknown,
    public error?: string,
  ) {}

  get where(): string {
    return `${this.file}:${this.line}`;
  }
}

/** Something wrong with one record: where, which field, what. */
export interface RecordProblem {
  where: string;
  field?: string;
  message: string;
}
