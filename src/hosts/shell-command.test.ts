import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalHost } from "./local-host.js";
import { scriptCommand, shellCommand, shellQuote } from "./shell-command.js";

const hostile = [
  "$(touch CANARY)",
  "`touch CANARY`",
  "'; touch CANARY; echo '",
  '"; touch CANARY; echo "',
  "a;touch CANARY",
  "line1\ntouch CANARY\nline3",
  "*",
  "$HOME ${PATH} $((1+1))",
  "&& touch CANARY || touch CANARY | touch CANARY > CANARY",
  "\\'\\\"",
  "",
  "-n",
  "ünïcødé ☃ \t tab",
];

describe("shellQuote / shellCommand", () => {
  let dir: string;
  let host: LocalHost;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "tunectl-quote-"));
    host = new LocalHost("local", dir);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("wraps in single quotes and escapes embedded quotes", () => {
    expect(shellQuote("a b")).toBe("'a b'");
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
    expect(shellCommand(["echo", "x"], { env: { A_1: "v w" }, cwd: "/tmp" })).toBe(
      "cd '/tmp' && A_1='v w' 'echo' 'x'",
    );
  });

  it("hostile arguments come back literally through sh -c and run nothing", async () => {
    const result = await host.exec(["printf", "%s\\0", ...hostile]);
    expect(result.code).toBe(0);
    expect(result.stdout.split("\0").slice(0, -1)).toEqual(hostile);
    expect(await readdir(dir)).toEqual([]);
  });

  it("hostile env values and cwd are literal too", async () => {
    const env = Object.fromEntries(hostile.map((value, i) => [`V${i}`, value]));
    const result = await host.exec(["sh", "-c", 'printf "%s\\0" "$V0" "$V1" "$V5" "$V7"'], {
      env,
      cwd: ".",
    });
    expect(result.stdout.split("\0").slice(0, -1)).toEqual([
      hostile[0],
      hostile[1],
      hostile[5],
      hostile[7],
    ]);
    expect(await readdir(dir)).toEqual([]);
  });

  it("passes script arguments as positional parameters", async () => {
    const result = await host.script('printf "%s|" "$@"', hostile.slice(0, 3));
    expect(result.stdout).toBe(`${hostile.slice(0, 3).join("|")}|`);
    expect(scriptCommand("true", ["x"])).toBe("'sh' '-c' 'true' 'tunectl-sh' 'x'");
    expect(await readdir(dir)).toEqual([]);
  });

  it("refuses bad env names and NUL bytes", () => {
    expect(() => shellCommand(["true"], { env: { "A;touch X": "1" } })).toThrow(
      /invalid environment variable name/,
    );
    expect(() => shellQuote("a\0b")).toThrow(/NUL/);
  });
});
