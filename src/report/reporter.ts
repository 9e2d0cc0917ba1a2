/**
 * The core reports what happens through one Reporter; it never prints. The CLI renders
 * events for people (winston), serialises them with --json, and tests record them and
 * assert on `code`.
 */
export type ReportLevel = "debug" | "info" | "warn" | "error";

export interface ReportEvent {
  level: ReportLevel;
  /** Stable, dotted: `run.state`, `stage.upload.progress`, `ssh.reconnect`. */
  code: string;
  message: string;
  data?: Record<string, unknown>;
}

export interface Reporter {
  emit(event: ReportEvent): void;
}

export const silentReporter: Reporter = { emit() {} };

export function report(
  reporter: Reporter,
  level: ReportLevel,
  code: string,
  message: string,
  data?: Record<string, unknown>,
): void {
  reporter.emit({ level, code, message, ...(data === undefined ? {} : { data }) });
}
