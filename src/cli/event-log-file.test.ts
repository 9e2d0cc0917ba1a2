import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { EventLogFile } from "./event-log-file.js";

const dir = mkdtempSync(path.join(tmpdir(), "tunectl-event-log-"));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("the per-run event log file", () => {
  it("keeps early events, then drops what arrives after close instead of crashing", async () => {
    const file = path.join(dir, "logs", "tunectl.log");
    const log = new EventLogFile();
    const event = (code: string) => ({ level: "info" as const, code, message: code });
    log.record(event("test.early"), new Date(0));
    log.attach(file);
    log.record(event("test.attached"), new Date(1));
    await log.close();
    // a background mirror round reporting after the command ended (it used to throw
    // "write after end" from winston and kill the process)
    expect(() => log.record(event("test.late"), new Date(2))).not.toThrow();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const codes = readFileSync(file, "utf8")
      .trim()
      .split("\n")
      .map((line) => (JSON.parse(line) as { code: string }).code);
    expect(codes).toEqual(["test.early", "test.attached"]);
  });
});
