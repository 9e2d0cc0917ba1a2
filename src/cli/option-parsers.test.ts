import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { InvalidArgumentError } from "commander";
import { afterAll, describe, expect, it } from "vitest";
import {
  count,
  integer,
  nonNegativeSeconds,
  positiveInteger,
  positiveSeconds,
  writableFile,
} from "./option-parsers.js";

const refused = (parse: (value: string) => unknown, value: string) => {
  try {
    parse(value);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidArgumentError);
    return (error as Error).message;
  }
  throw new Error(`${value} was accepted`);
};

describe("whole numbers", () => {
  it("accepts digits and refuses the rest", () => {
    expect(count("0")).toBe(0);
    expect(count("50")).toBe(50);
    expect(positiveInteger("+3")).toBe(3);
    expect(integer(5)("5")).toBe(5);
    for (const bad of ["abc", "", "1.5", "1e3", "0x10", "12abc", "-3", "99999999999999999999"]) {
      expect(refused(count, bad)).toMatch(/whole number/);
    }
    expect(refused(positiveInteger, "0")).toBe("expected 1 or more");
  });
});

describe("durations", () => {
  it("reads seconds with an optional unit", () => {
    expect(positiveSeconds("90")).toBe(90);
    expect(positiveSeconds("1.5")).toBe(1.5);
    expect(positiveSeconds("30s")).toBe(30);
    expect(positiveSeconds("2m")).toBe(120);
    expect(positiveSeconds("1h")).toBe(3600);
    expect(positiveSeconds("500ms")).toBe(0.5);
    expect(nonNegativeSeconds("0")).toBe(0);
  });

  it("refuses what is not a duration, and 0 where it would spin", () => {
    for (const bad of ["abc", "-5", "5x", "", "m"]) {
      expect(refused(positiveSeconds, bad)).toMatch(/expected seconds/);
    }
    expect(refused(positiveSeconds, "0")).toBe("expected more than 0 seconds");
    expect(refused(positiveSeconds, "0s")).toBe("expected more than 0 seconds");
  });
});

describe("writable files", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "tunectl-parsers-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("accepts a new or existing file in a directory that exists", () => {
    expect(writableFile(path.join(dir, "new.html"))).toBe(path.join(dir, "new.html"));
    writeFileSync(path.join(dir, "old.html"), "x");
    expect(writableFile(path.join(dir, "old.html"))).toBe(path.join(dir, "old.html"));
  });

  it("refuses a directory, a missing directory and a path under a file", () => {
    mkdirSync(path.join(dir, "sub"), { recursive: true });
    expect(refused(writableFile, path.join(dir, "sub"))).toMatch(/is a directory/);
    expect(refused(writableFile, path.join(dir, "missing", "r.html"))).toMatch(
      /missing does not exist; create it first/,
    );
    writeFileSync(path.join(dir, "plain"), "x");
    expect(refused(writableFile, path.join(dir, "plain", "r.html"))).toMatch(/is not a directory/);
    expect(refused(writableFile, " ")).toBe("expected a file name");
  });
});
