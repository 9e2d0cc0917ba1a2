import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import type winstonModule from "winston";
import type { ReportEvent } from "../report/index.js";
import { renderEventJson } from "./event-line.js";

/**
 * winston (and its dozens of modules) is loaded when a command first names a log file: the
 * commands that never do (`data generate`, `ps`, `--help`) do not pay for it at start-up.
 */
let loaded: typeof winstonModule | undefined;
function winston(): typeof winstonModule {
  loaded ??= createRequire(import.meta.url)("winston") as typeof winstonModule;
  return loaded;
}

/** Events kept before the run's log file is known (`run` learns its id after validating). */
const maxEarly = 2_000;

/**
 * The per-run log file (`.tunectl/runs/<id>/logs/tunectl.log`): every event, debug included,
 * one JSON object a line, written through winston. Events from before the file was named
 * are kept and written first, so the file starts with the command's first event.
 */
export class EventLogFile {
  private early: Array<{ event: ReportEvent; ts: Date }> = [];
  private logger: winstonModule.Logger | undefined;
  private readonly files = new Set<string>();
  private closed = false;

  record(event: ReportEvent, ts: Date): void {
    // A background task (a bucket mirror round) may still report while the command ends:
    // after close the file takes nothing, rather than a winston "write after end" crash.
    if (this.closed) return;
    if (this.logger) return void this.write(this.logger, event, ts);
    if (this.early.length < maxEarly) this.early.push({ event, ts });
  }

  attach(path: string): void {
    if (this.closed || this.files.has(path)) return;
    this.files.add(path);
    mkdirSync(dirname(path), { recursive: true });
    const { transports, createLogger, format } = winston();
    const transport = new transports.File({ filename: path });
    if (this.logger) return void this.logger.add(transport);
    this.logger = createLogger({
      level: "debug",
      format: format.printf((info) => String(info.message)),
      transports: [transport],
    });
    for (const { event, ts } of this.early) this.write(this.logger, event, ts);
    this.early = [];
  }

  close(): Promise<void> {
    this.closed = true;
    const logger = this.logger;
    if (!logger) return Promise.resolve();
    return new Promise<void>((resolve) => {
      logger.on("finish", () => resolve());
      logger.end();
      setTimeout(resolve, 500).unref();
    });
  }

  private write(logger: winstonModule.Logger, event: ReportEvent, ts: Date): void {
    logger.log({ level: event.level, message: renderEventJson(event, ts) });
  }
}
