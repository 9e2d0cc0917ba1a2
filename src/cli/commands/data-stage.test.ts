import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";

// Drives the built CLI (npm test builds before the unit suite) off a terminal, as a CI log
// or a pipe sees it.
const bin = path.resolve("bin", "tunectl.js");
const ESC = "\x1b";

function workspace(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "tunectl-stage-cli-"));
  const records = Array.from({ length: 200 }, (_, i) =>
    JSON.stringify({ instruction: `Say ${i}.`, input: "", output: i === 7 ? "" : `${i}` }),
  );
  writeFileSync(path.join(dir, "d.jsonl"), `${records.join("\n")}\n`);
  writeFileSync(
    path.join(dir, "exp.yaml"),
    "name: t\ndata:\n  train:\n    - {path: d.jsonl, format: alpaca}\n",
  );
  return dir;
}

function tunectl(args: string[], cwd: string, env: Record<string, string>) {
  const result = spawnSync(process.execPath, [bin, ...args], {
    cwd,
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "", ...env },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("tunectl data stage output", () => {
  it("prints progress as the common progress line, plain, without the raw byte counts", () => {
    const run = tunectl(["data", "stage", "exp.yaml"], workspace(), { NO_COLOR: "1" });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/^upload 100% {2}[\d.]+ (B|KiB) \/ [\d.]+ (B|KiB)/m);
    expect(run.stderr).toMatch(/^warn: 1 records kept with warnings/m);
    expect(run.stderr).not.toMatch(/uploaded \d+ of \d+ bytes/);
    expect(run.stderr).not.toContain(ESC);
    expect(run.stderr).not.toContain("\r");
  });

  it("colours a pipe with FORCE_COLOR", () => {
    const run = tunectl(["data", "stage", "exp.yaml"], workspace(), { FORCE_COLOR: "1" });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(`${ESC}[33mwarn: 1 records kept with warnings`);
  });

  it("--json: one result on stdout, every event (debug too) as JSON lines on stderr", () => {
    const run = tunectl(["--json", "data", "stage", "exp.yaml"], workspace(), {
      FORCE_COLOR: "1",
    });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ uploaded: true });
    const events = run.stderr
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line) as { code: string; level: string });
    const codes = events.map((event) => event.code);
    expect(codes).toEqual(expect.arrayContaining(["data.source", "stage.progress", "stage.done"]));
    expect(events.find((event) => event.code === "data.source")!.level).toBe("debug");
    expect(run.stdout + run.stderr).not.toContain(ESC);
  });
});
