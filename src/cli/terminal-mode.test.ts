import { describe, expect, it } from "vitest";
import { terminalMode, terminalWidth } from "./terminal-mode.js";

const tty = { isTTY: true };
const pipe = { isTTY: false };
const plain = { json: false };

describe("terminalMode", () => {
  it.each([
    ["a TTY", tty, {}, plain, { color: true, live: true }],
    ["a pipe", pipe, {}, plain, { color: false, live: false }],
    ["NO_COLOR on a TTY", tty, { NO_COLOR: "1" }, plain, { color: false, live: true }],
    ["an empty NO_COLOR", tty, { NO_COLOR: "" }, plain, { color: true, live: true }],
    ["FORCE_COLOR into a pipe", pipe, { FORCE_COLOR: "1" }, plain, { color: true, live: false }],
    ["an empty FORCE_COLOR", pipe, { FORCE_COLOR: "" }, plain, { color: true, live: false }],
    ["FORCE_COLOR=0 on a TTY", tty, { FORCE_COLOR: "0" }, plain, { color: false, live: true }],
    [
      "FORCE_COLOR over NO_COLOR",
      pipe,
      { FORCE_COLOR: "2", NO_COLOR: "1" },
      plain,
      { color: true, live: false },
    ],
    ["TERM=dumb", tty, { TERM: "dumb" }, plain, { color: false, live: false }],
    [
      "TERM=dumb with FORCE_COLOR",
      tty,
      { TERM: "dumb", FORCE_COLOR: "1" },
      plain,
      { color: true, live: false },
    ],
    ["--json", tty, { FORCE_COLOR: "1" }, { json: true }, { color: false, live: false }],
  ])("%s", (_name, stream, env, options, expected) => {
    expect(terminalMode(stream, env, options)).toEqual(expected);
  });
});

describe("terminalWidth", () => {
  it("uses the stream's columns, then COLUMNS, then 80", () => {
    expect(terminalWidth({ columns: 120 }, { COLUMNS: "50" })).toBe(120);
    expect(terminalWidth({ columns: 0 }, { COLUMNS: "50" })).toBe(50);
    expect(terminalWidth({ columns: 0 }, {})).toBe(80);
    expect(terminalWidth({}, { COLUMNS: "nope" })).toBe(80);
    expect(terminalWidth({ columns: Number.NaN }, { COLUMNS: "-3" })).toBe(80);
  });
});
