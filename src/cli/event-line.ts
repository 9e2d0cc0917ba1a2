import type { ReportEvent, ReportLevel } from "../report/index.js";

const tints: Partial<Record<ReportLevel, string>> = {
  error: "\x1b[31m",
  warn: "\x1b[33m",
  debug: "\x1b[2m",
};

/** An event for people: the message, prefixed by its level unless it is info. */
export function renderEventLine(event: ReportEvent, options: { color: boolean }): string {
  const text = event.level === "info" ? event.message : `${event.level}: ${event.message}`;
  const tint = options.color ? tints[event.level] : undefined;
  return tint ? `${tint}${text}\x1b[0m` : text;
}

/** An event for programs (--json on stderr, the run's log file): one JSON object a line. */
export function renderEventJson(event: ReportEvent, ts: Date): string {
  return JSON.stringify({
    ts: ts.toISOString(),
    level: event.level,
    code: event.code,
    message: event.message,
    ...(event.data === undefined ? {} : { data: event.data }),
  });
}

const order: Record<ReportLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

export function atLeast(level: ReportLevel, threshold: ReportLevel): boolean {
  return order[level] >= order[threshold];
}
