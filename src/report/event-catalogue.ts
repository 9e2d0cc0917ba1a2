import type { ReportEvent, ReportLevel, Reporter } from "./reporter.js";

/**
 * Every event code is declared once, with its level and payload type, in the `events.ts`
 * of the module that emits it (toolkit-lib's `make.info<T>({ code, description })`). The
 * renderer, `--json` and tests see the same `{level, code, message, data}`.
 */
export interface EventKind<T extends object | undefined = undefined> {
  readonly code: string;
  readonly level: ReportLevel;
  readonly description: string;
  emit(reporter: Reporter, message: string, ...data: T extends undefined ? [] : [T]): void;
  /** Narrows a recorded event to this kind, payload typed (tests, renderers). */
  is(event: ReportEvent): event is ReportEvent & { data: T };
}

interface EventSpec {
  code: string;
  level: ReportLevel;
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
  if (catalogue.has(spec.code)) throw new DuplicateEventError(spec.code);
  const kind: EventKind<T> = {
    ...spec,
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
