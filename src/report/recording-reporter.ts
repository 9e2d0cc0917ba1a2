import type { ReportEvent, Reporter } from "./reporter.js";

/** A Reporter that keeps every event, for tests that assert on event codes. */
export class RecordingReporter implements Reporter {
  readonly events: ReportEvent[] = [];

  emit(event: ReportEvent): void {
    this.events.push(event);
  }

  codes(): string[] {
    return this.events.map((event) => event.code);
  }

  find(code: string): ReportEvent | undefined {
    return this.events.find((event) => event.code === code);
  }
}
