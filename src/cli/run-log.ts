import type { EventKind, Reporter } from "../report/index.js";
import type { Io } from "./io.js";

/**
 * The reporter `run` hands to the core: every event goes to the io as it is (the same
 * rendering as any other command), and once the run exists its log file starts, with the
 * events from before it written first.
 */
export function withRunLog(
  io: Io,
  logsDir: (runId: string) => string,
  created: EventKind<{ run: string }>,
): Reporter {
  return {
    emit(event) {
      if (created.is(event)) io.logToFile(`${logsDir(event.data.run)}/tunectl.log`);
      io.emit(event);
    },
  };
}
