import { eventKindOf, type Progress, type ReportEvent, type Reporter } from "../report/index.js";
import { EventLogFile } from "./event-log-file.js";
import { atLeast, renderEventJson, renderEventLine } from "./event-line.js";
import { ProgressLines, renderProgress } from "./progress-view.js";
import { StatusWriter } from "./status-writer.js";
import { terminalMode, terminalWidth, type StreamInfo } from "./terminal-mode.js";

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
 * --json; following commands write one JSON object a line). Events go to stderr, through
 * one writer: lines for people with a status line below them on a terminal, or with --json
 * every event (debug included) as one JSON object a line. The run's log file gets every
 * event as well.
 */
export interface Io extends Reporter {
  readonly globals: GlobalOptions;
  /** stderr may carry a status line (a TTY, not TERM=dumb, not --json). */
  readonly isTTY: boolean;
  /** Colour on stderr (NO_COLOR, FORCE_COLOR, TERM=dumb, --json decide). */
  readonly color: boolean;
  /** stdout may be rewritten in place (tables redrawn by gpus --watch, watch). */
  readonly stdoutLive: boolean;
  readonly stdoutColor: boolean;
  /** Columns of stderr, never 0 (see terminalWidth). */
  readonly width: number;
  readonly stdoutWidth: number;
  out(text: string): void;
  json(value: unknown): void;
  /** Set (or clear, with null) the status line; nothing happens off a live terminal. */
  status(text: string | null): void;
  /** Output of another process (the trainer's log), printed whole lines above the status. */
  passthrough(chunk: string | Uint8Array): void;
  /** Add a log file (per run) that receives every event at debug level. */
  logToFile(path: string): void;
  close(): Promise<void>;
}

export interface Terminal {
  stdout: StreamInfo & { write(text: string): unknown };
  stderr: StreamInfo & { write(text: string): unknown };
  env: Record<string, string | undefined>;
  now(): Date;
}

const processTerminal = (): Terminal => ({
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  now: () => new Date(),
});

export function createIo(globals: GlobalOptions, fake?: Terminal): Io {
  const terminal = fake ?? processTerminal();
  const { stdout, stderr, env } = terminal;
  const errMode = terminalMode(stderr, env, globals);
  const outMode = terminalMode(stdout, env, globals);
  const width = () => terminalWidth(stderr, env);
  const writer = new StatusWriter(stderr, errMode.live, width);
  const threshold = globals.verbose ? "debug" : globals.quiet ? "warn" : "info";
  const logFile = new EventLogFile();
  const progressLines = new ProgressLines();
  const finishedShown = new Set<string>();
  // A second Ctrl-C exits at once: leave the shell's prompt on a clean line.
  const onExit = () => writer.status(null);
  if (!fake) process.on("exit", onExit);

  const showProgress = (event: ReportEvent) => {
    const progress = event.data as unknown as Progress;
    const finished = progress.done >= progress.total;
    if (errMode.live) {
      const text = renderProgress(progress, { width: width() });
      if (!finished) {
        finishedShown.delete(event.code);
        return writer.status(text);
      }
      // the full bar once, as a line of its own, however many times the end is reported
      writer.status(null);
      if (!finishedShown.has(event.code)) writer.line(text);
      finishedShown.add(event.code);
      return;
    }
    if (progressLines.shouldPrint(event.code, progress)) writer.line(renderProgress(progress));
  };

  return {
    globals,
    isTTY: errMode.live,
    color: errMode.color,
    stdoutLive: outMode.live,
    stdoutColor: outMode.color,
    get width() {
      return width();
    },
    get stdoutWidth() {
      return terminalWidth(stdout, env);
    },
    emit(event: ReportEvent) {
      const ts = terminal.now();
      logFile.record(event, ts);
      if (globals.json) return writer.line(renderEventJson(event, ts));
      if (!atLeast(event.level, threshold)) return;
      if (eventKindOf(event.code)?.display === "status" && event.data) return showProgress(event);
      writer.line(renderEventLine(event, errMode));
    },
    out(text: string) {
      writer.beside(() => stdout.write(text.endsWith("\n") ? text : `${text}\n`));
    },
    json(value: unknown) {
      writer.beside(() => stdout.write(`${JSON.stringify(value, null, 2)}\n`));
    },
    status: (text) => writer.status(text),
    passthrough: (chunk) => writer.passthrough(chunk),
    logToFile: (path) => logFile.attach(path),
    async close() {
      process.removeListener("exit", onExit);
      writer.end();
      await logFile.close();
    },
  };
}
