import type { Progress } from "./progress.js";
import type { ReportEvent, ReportLevel, Reporter } from "./reporter.js";

/**
 * Every event code is declared once, with its level and payload type, in the `events.ts`
 * of the module that emits it (toolkit-lib's `make.info<T>({ code, description })`). The
 * terminal, `--json`, the run's log file and tests see the same `{level, code, message, data}`.
 */
export interface EventKind<T extends object | undefined = undefined> {
  readonly code: string;
  readonly level: ReportLevel;
  readonly description: string;
  /** `log`: a line of its own; `status`: redrawn in place on a terminal (progress). */
  readonly display: EventDisplay;
  emit(reporter: Reporter, message: string, ...data: T extends undefined ? [] : [T]): void;
  /** Narrows a recorded event to this kind, payload typed (tests, renderers). */
  is(event: ReportEvent): event is ReportEvent & { data: T };
}

export type EventDisplay = "log" | "status";

export interface EventSpec {
  /** Stable and dotted, `<area>.<what>`: tests and scripts match on it. */
  code: string;
  level: ReportLevel;
  /** One sentence for docs/events.md: when the event is emitted. */
  description: string;
}

const catalogue = new Map<string, EventKind<object | undefined>>();

export class DuplicateEventError extends Error {
  constructor(readonly code: string) {
    super(`event code ${code} is declared twice`);
  }
}

export function declareEvent<T extends object | undefined = undefined>(
  spec: EventSpec,
): EventKind<T> {
  return register<T>(spec, "log");
}

/** A progress event: its payload is a `Progress`, drawn as the status line on a terminal. */
export function declareProgressEvent(spec: EventSpec): EventKind<Progress> {
  return register<Progress>(spec, "status");
}

function register<T extends object | undefined>(
  spec: EventSpec,
  display: EventDisplay,
): EventKind<T> {
  if (catalogue.has(spec.code)) throw new DuplicateEventError(spec.code);
  const kind: EventKind<T> = {
    code: spec.code,
    level: spec.level,
    description: spec.description,
    display,
    emit(reporter, message, ...data) {
      const payload = data[0] as Record<string, unknown> | undefined;
      reporter.emit({
        level: spec.level,
        code: spec.code,
        message,
        ...(payload === undefined ? {} : { data: payload }),
      });
    },
    is(event): event is ReportEvent & { data: T } {
      return event.code === spec.code;
    },
  };
  catalogue.set(spec.code, kind as EventKind<object | undefined>);
  return kind;
}

/** Every code declared by the modules loaded so far (docs, the catalogue test). */
export function declaredEvents(): ReadonlyArray<EventKind<object | undefined>> {
  return [...catalogue.values()];
}

/** The declaration of a code, when its module is loaded (renderers ask how to show it). */
export function eventKindOf(code: string): EventKind<object | undefined> | undefined {
  return catalogue.get(code);
}
