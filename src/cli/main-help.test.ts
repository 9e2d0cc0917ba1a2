import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const bin = path.resolve("bin", "tunectl.js");
const tunectl = (...args: string[]) =>
  spawnSync(process.execPath, [bin, ...args], { encoding: "utf8", env: { PATH: "" } });

describe("tunectl --help and --version", () => {
  it("--help lists examples and every exit code", () => {
    const { stdout, status } = tunectl("--help");
    expect(status).toBe(0);
    expect(stdout).toContain("Examples:\n  tunectl validate");
    const codes = stdout
      .slice(stdout.indexOf("Exit codes:"))
      .split("\n")
      .map((line) => /^ {2}(\d+) /.exec(line)?.[1])
      .filter(Boolean);
    expect(codes).toEqual(["0", "1", "2", "3", "4", "130"]);
  });

  it("--version is package.json's", () => {
    const { version } = JSON.parse(readFileSync("package.json", "utf8")) as { version: string };
    expect(tunectl("--version").stdout.trim()).toBe(version);
  });
});
