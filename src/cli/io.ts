import winston from "winston";
import type { ReportEvent, Reporter } from "../report/index.js";

export interface GlobalOptions {
  json: boolean;
  verbose: boolean;
  quiet: boolean;
  workspace?: string;
  /** Record unknown SSH host keys (never changed ones). */
  acceptNewHostKey?: boolean;
}

/**
 * Where a command's output goes. Results go to stdout (text, or one JSON document with
 * --json; streaming commands write one JSON event per line). Progress and log events go to
 * stderr through winston, so stdout stays clean for pipes.
 */
export interface Io extends Reporter {
  readonly globals: GlobalOptions;
  readonly isTTY: boolean;
  readonly color: boolean;
  out(text: string): void;
  json(value: unknown): void;
  /** Add a log file (per run) that receives every event at debug level. */
  logToFile(path: string): void;
  close(): Promise<void>;
}

const levelColors: Record<string, string> = {
  error: "\x1b[31m",
  warn: "\x1b[33m",
  debug: "\x1b[2m",
};

export function createIo(globals: GlobalOptions): Io {
  const isTTY = Boolean(process.stderr.isTTY);
  const color = isTTY && !process.env.NO_COLOR && process.env.TERM !== "dumb";
  const consoleLevel = globals.verbose ? "debug" : globals.quiet ? "warn" : "info";
  const render = winston.format.printf((info) => {
    const level = String(info.level);
    const prefix = level === "info" ? "" : `${level}: `;
    const text = `${prefix}${String(info.message)}`;
    const tint = color ? levelColors[level] : undefined;
    return tint ? `${tint}${text}\x1b[0m` : text;
  });
  const logger = winston.createLogger({
    level: "debug",
    transports: [
      new winston.transports.Console({
        level: consoleLevel,
        stderrLevels: ["error", "warn", "info", "debug"],
        format: render,
      }),
    ],
  });

  const logFiles = new Set<string>();
  return {
    globals,
    isTTY,
    color,
    emit(event: ReportEvent) {
      if (globals.json && event.level !== "error" && event.level !== "warn") {
        logger.log({ level: "debug", message: event.message, code: event.code, data: event.data });
        return;
      }
      logger.log({
        level: event.level,
        message: event.message,
        code: event.code,
        data: event.data,
      });
    },
    out(text: string) {
      process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
    },
    json(value: unknown) {
      process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
    },
    logToFile(path: string) {
      if (logFiles.has(path)) return;
      logFiles.add(path);
      logger.add(
        new winston.transports.File({
          filename: path,
          level: "debug",
          format: winston.format.combine(winston.format.timestamp(), winston.format.json()),
        }),
      );
    },
    close: () =>
      new Promise<void>((resolve) => {
        logger.on("finish", () => resolve());
        logger.end();
        setTimeout(resolve, 200).unref();
      }),
  };
}
