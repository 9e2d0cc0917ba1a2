/**
 * The core reports what happens through one Reporter; it never prints. Events are declared
 * in a catalogue (`declareEvent`) and emitted through their kind. The CLI renders them for
 * people, serialises them with --json and into the run's log file; tests record them and
 * assert on `code`.
 */
export type ReportLevel = "debug" | "info" | "warn" | "error";

export interface ReportEvent {
  level: ReportLevel;
  /** Stable, dotted: `run.created`, `stage.progress`, `ssh.connected`. */
  code: string;
  message: string;
  data?: Record<string, unknown>;
}

export interface Reporter {
  emit(event: ReportEvent): void;
}

export const silentReporter: Reporter = { emit() {} };
