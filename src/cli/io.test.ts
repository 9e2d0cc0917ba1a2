import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { declareEvent, declareProgressEvent, type Progress } from "../report/index.js";
import { fakeTerminal } from "./fake-terminal.js";
import { createIo, type GlobalOptions } from "./io.js";
import { withRunLog } from "./run-log.js";

const upload = declareProgressEvent({
  code: "test.io.upload",
  level: "info",
  description: "progress of a test upload",
});
const lost = declareEvent<{ host: string }>({
  code: "test.io.lost",
  level: "warn",
  description: "a test host stopped answering",
});
const detail = declareEvent({ code: "test.io.detail", level: "debug", description: "a detail" });
const created = declareEvent<{ run: string }>({
  code: "test.io.created",
  level: "info",
  description: "a test run was created",
});

const globals = (more: Partial<GlobalOptions> = {}): GlobalOptions => ({
  json: false,
  verbose: false,
  quiet: false,
  ...more,
});
const mib = 1024 * 1024;
const at = (done: number): Progress => ({
  task: "upload",
  done: done * mib,
  total: 10 * mib,
  unit: "bytes",
  rate: mib,
  eta_s: 10 - done,
});
const ESC = "\x1b";

describe("the io on a terminal", () => {
  it("draws progress as a status line that a log line never breaks", async () => {
    const terminal = fakeTerminal({ tty: true, columns: 80 });
    const io = createIo(globals(), terminal);
    upload.emit(io, "uploaded", at(3));
    lost.emit(io, "gpu-a: connection lost", { host: "gpu-a" });
    upload.emit(io, "uploaded", at(4));
    expect(terminal.stderr.screen()).toEqual([
      "warn: gpu-a: connection lost",
      "upload [#########--------------]  40%  4.0 MiB / 10.0 MiB  1.0 MiB/s  eta 6s",
    ]);
    upload.emit(io, "uploaded", at(10));
    upload.emit(io, "uploaded", at(10));
    await io.close();
    // finished: the full bar stays in the scrollback as a line of its own
    expect(terminal.stderr.screen()).toEqual([
      "warn: gpu-a: connection lost",
      "upload [#######################] 100%  10.0 MiB / 10.0 MiB  1.0 MiB/s",
      "",
    ]);
  });

  it("renders a progress event the same for `data stage` and for `run`", () => {
    const stage = fakeTerminal({ tty: true, columns: 100 });
    const run = fakeTerminal({ tty: true, columns: 100 });
    const stageIo = createIo(globals(), stage);
    const runIo = createIo(globals(), run);
    const runReporter = withRunLog(runIo, () => mkdtempSync(path.join(tmpdir(), "io-")), created);
    for (const done of [1, 5, 10]) {
      upload.emit(stageIo, `uploaded ${done} MiB`, at(done));
      upload.emit(runReporter, `uploaded ${done} MiB`, at(done));
    }
    expect(run.stderr.text).toBe(stage.stderr.text);
    expect(run.stderr.text).toContain("upload [");
    expect(run.stderr.text).not.toContain("uploaded");
  });

  it("fits a terminal that reports no width, or a very narrow one", () => {
    for (const columns of [0, undefined, 12]) {
      const terminal = fakeTerminal({ tty: true, ...(columns === undefined ? {} : { columns }) });
      const io = createIo(globals(), terminal);
      upload.emit(io, "uploaded", at(2));
      io.status("a".repeat(500));
      const row = terminal.stderr.screen().at(-1)!;
      expect(row.length).toBe(columns === 12 ? 11 : 79);
    }
  });
});

describe("the io off a terminal", () => {
  it("prints no status line: one line per event, progress each tenth", async () => {
    const terminal = fakeTerminal({ tty: false });
    const io = createIo(globals(), terminal);
    for (let done = 0; done <= 10; done += 0.5) upload.emit(io, "uploaded", at(done));
    io.status("never shown");
    lost.emit(io, "gpu-a: connection lost", { host: "gpu-a" });
    await io.close();
    const lines = terminal.stderr.text.trimEnd().split("\n");
    expect(lines).toHaveLength(12);
    expect(lines[0]).toBe("upload   0%  0 B / 10.0 MiB  1.0 MiB/s  eta 10s");
    expect(lines[10]).toBe("upload 100%  10.0 MiB / 10.0 MiB  1.0 MiB/s");
    expect(lines[11]).toBe("warn: gpu-a: connection lost");
    expect(terminal.stderr.text).not.toContain(ESC);
    expect(terminal.stderr.text).not.toContain("\r");
  });

  it("shows debug events with -v only, and only warnings with --quiet", () => {
    const quiet = fakeTerminal();
    const quietIo = createIo(globals({ quiet: true }), quiet);
    const verbose = fakeTerminal();
    const verboseIo = createIo(globals({ verbose: true }), verbose);
    const normal = fakeTerminal();
    const normalIo = createIo(globals(), normal);
    for (const io of [quietIo, verboseIo, normalIo]) {
      detail.emit(io, "a detail");
      upload.emit(io, "uploaded", at(10));
      lost.emit(io, "h1 lost", { host: "h1" });
    }
    expect(quiet.stderr.text).toBe("warn: h1 lost\n");
    expect(normal.stderr.text).toBe("upload 100%  10.0 MiB / 10.0 MiB  1.0 MiB/s\nwarn: h1 lost\n");
    expect(verbose.stderr.text).toMatch(/^debug: a detail\nupload 100%/);
  });
});

describe("terminal conventions", () => {
  it("colours a pipe with FORCE_COLOR, nothing with NO_COLOR, and no cursor with TERM=dumb", () => {
    const forced = fakeTerminal({ env: { FORCE_COLOR: "1" } });
    lost.emit(createIo(globals(), forced), "h1 lost", { host: "h1" });
    expect(forced.stderr.text).toBe(`${ESC}[33mwarn: h1 lost${ESC}[0m\n`);

    const noColor = fakeTerminal({ tty: true, columns: 80, env: { NO_COLOR: "1" } });
    const noColorIo = createIo(globals(), noColor);
    lost.emit(noColorIo, "h1 lost", { host: "h1" });
    expect(noColor.stderr.text).toBe("warn: h1 lost\n");
    expect(noColorIo.isTTY).toBe(true);

    const dumb = fakeTerminal({ tty: true, columns: 80, env: { TERM: "dumb" } });
    const dumbIo = createIo(globals(), dumb);
    upload.emit(dumbIo, "uploaded", at(5));
    dumbIo.status("a status");
    lost.emit(dumbIo, "h1 lost", { host: "h1" });
    expect(dumb.stderr.text).toBe(
      "upload  50%  5.0 MiB / 10.0 MiB  1.0 MiB/s  eta 5s\nwarn: h1 lost\n",
    );
    expect(dumbIo.isTTY || dumbIo.stdoutLive || dumbIo.color).toBe(false);
  });

  it("--json: every event, debug included, one JSON object a line, never an escape", () => {
    const terminal = fakeTerminal({ tty: true, columns: 80, env: { FORCE_COLOR: "3" } });
    const io = createIo(globals({ json: true }), terminal);
    detail.emit(io, "a detail");
    upload.emit(io, "uploaded", at(5));
    io.status("never shown");
    lost.emit(io, "h1 lost", { host: "h1" });
    io.json({ ok: true });
    const events = terminal.stderr.text
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line) as { code: string; ts: string; data?: object });
    expect(events.map((event) => event.code)).toEqual([
      "test.io.detail",
      "test.io.upload",
      "test.io.lost",
    ]);
    expect(events[1]!.data).toEqual(at(5));
    expect(events[0]!.ts).toBe("2026-01-02T03:04:05.000Z");
    expect(terminal.stderr.text + terminal.stdout.text).not.toContain(ESC);
    expect(JSON.parse(terminal.stdout.text)).toEqual({ ok: true });
  });
});

describe("the run's log file", () => {
  it("gets every event, debug included, from the command's first one", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "tunectl-io-log-"));
    const io = createIo(globals(), fakeTerminal());
    const reporter = withRunLog(io, (run) => path.join(dir, run, "logs"), created);
    detail.emit(reporter, "before the run exists");
    created.emit(reporter, "run r1", { run: "r1" });
    upload.emit(reporter, "uploaded", at(1));
    await io.close();
    const lines = readFileSync(path.join(dir, "r1", "logs", "tunectl.log"), "utf8")
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line) as { code: string; level: string });
    expect(lines.map((line) => line.code)).toEqual([
      "test.io.detail",
      "test.io.created",
      "test.io.upload",
    ]);
    expect(lines[0]!.level).toBe("debug");
  });
});
