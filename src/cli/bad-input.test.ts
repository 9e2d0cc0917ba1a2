// Ordinary mistakes, made as a new user makes them, through the CLI: each ends in exit 2 with
// a message naming the flag, file or config path, and creates nothing (no run, nothing staged).
// Cases that need the testbed's hosts are in test/launch/bad-input.test.ts.
import { existsSync, readdirSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { addRun, tinyConfig, trainLines } from "../../test/compare/fixture-runs.js";
import { RunRegistry } from "../runs/index.js";
import { UserWorkspace } from "./testing/user-workspace.js";

let ws: UserWorkspace;
beforeEach(() => void (ws = new UserWorkspace()));
afterEach(() => ws.remove());

async function twoRuns(): Promise<string[]> {
  const registry = new RunRegistry(ws.file(".tunectl"));
  const lines = trainLines(1, 5);
  const a = await addRun(registry, { name: "a", config: tinyConfig(), lines, state: "failed" });
  const b = await addRun(registry, { name: "b", config: tinyConfig(), lines });
  return [a.id, b.id];
}

describe("bad option values: exit 2 naming the flag, before anything runs", () => {
  const cases: Array<[string[], string]> = [
    [["logs", "r", "--tail", "abc"], "'--tail <n>' argument 'abc' is invalid"],
    [["logs", "r", "--tail", "-3"], "'--tail <n>' argument '-3' is invalid"],
    [
      ["logs", "r", "--attempt", "0"],
      "'--attempt <n>' argument '0' is invalid. expected 1 or more",
    ],
    [["watch", "--interval", "0"], "'--interval <seconds>' argument '0' is invalid"],
    [["cancel", "r", "--grace", "abc"], "'--grace <seconds>' argument 'abc' is invalid"],
    [["gpus", "--timeout", "0"], "'--timeout <seconds>' argument '0' is invalid"],
    [["hosts", "--timeout", "soon"], "'--timeout <seconds>' argument 'soon' is invalid"],
    [["resume", "r", "--from", "1.5"], "'--from <step>' argument '1.5' is invalid"],
    [
      [
        "data",
        "validate",
        "configs/data/tiny-instructions.jsonl",
        "--format",
        "alpaca",
        "--seed",
        "x",
      ],
      "'--seed <n>' argument 'x' is invalid",
    ],
  ];
  for (const [args, message] of cases) {
    it(args.join(" "), async () => {
      const result = await ws.tunectl(...args);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(message);
      expect(ws.runs()).toEqual([]);
    });
  }
});

it("--json: the refusal is also a JSON document on stdout", async () => {
  const result = await ws.tunectl("logs", "r", "--tail", "abc", "--json");
  expect(result.code).toBe(2);
  expect(JSON.parse(result.stdout)).toMatchObject({
    error: {
      kind: "user",
      code: "usage.invalid_argument",
      message: expect.stringContaining("--tail"),
    },
  });
});

describe("bad output paths: exit 2 naming the flag, no file and no temp left", () => {
  it("compare --html into a missing directory, a directory, or /proc", async () => {
    const [a, b] = await twoRuns();
    const missing = await ws.tunectl("compare", a!, b!, "--html", ws.file("missing-dir/r.html"));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/'--html <file>' .*missing-dir does not exist/);
    expect(existsSync(ws.file("missing-dir"))).toBe(false);
    const dir = await ws.tunectl("compare", a!, b!, "--html", ws.file("data"));
    expect(dir.code).toBe(2);
    expect(dir.stderr).toContain("is a directory");
    const proc = await ws.tunectl("compare", a!, b!, "--html", "/proc/r.html");
    expect(proc.code).toBe(2);
    expect(proc.stderr).toContain("--html /proc/r.html: cannot write the file");
  });

  it("data render --out into a directory, a missing directory, or /proc", async () => {
    const render = [
      "data",
      "render",
      ws.file("data/tiny-instructions.jsonl"),
      "--format",
      "alpaca",
    ];
    const before = readdirSync(ws.file("data")).sort();
    for (const [out, words] of [
      [ws.file("data"), "is a directory"],
      [ws.file("nope/x.jsonl"), "does not exist; create it first"],
      ["/proc/x.jsonl", "--out /proc/x.jsonl: cannot write the file"],
    ] as const) {
      const result = await ws.tunectl(...render, "--template", "alpaca", "--out", out);
      expect(result.code, out).toBe(2);
      expect(result.stderr).toContain(words);
      expect(result.stderr).toContain("--out");
    }
    expect(readdirSync(ws.file("data")).sort()).toEqual(before);
  });
});

describe("bad data files: exit 2 naming the file", () => {
  const lines = '{"instruction": "say hi", "output": "hi"}\n'.repeat(50);

  it("a .gz that is not gzip, and a truncated one, in every command that reads", async () => {
    const notGzip = ws.write("not.jsonl.gz", lines);
    const truncated = ws.write("cut.jsonl.gz", gzipSync(lines).subarray(0, 20));
    const csv = ws.write("cut.csv.gz", gzipSync("instruction,output\n".repeat(50)).subarray(0, 20));
    for (const verb of ["validate", "stats"]) {
      const a = await ws.tunectl("data", verb, notGzip, "--format", "alpaca");
      expect(a.code).toBe(2);
      expect(a.stderr).toContain(`${notGzip}: not valid gzip data`);
      const b = await ws.tunectl("data", verb, truncated, "--format", "alpaca");
      expect(b.code).toBe(2);
      expect(b.stderr).toContain(`${truncated}: the gzip data ends early`);
    }
    const c = await ws.tunectl("data", "stats", csv, "--format", "alpaca");
    expect(c.code).toBe(2);
    expect(c.stderr).toContain(`${csv}: the gzip data ends early`);
    const out = ws.file("out.jsonl");
    const d = await ws.tunectl(
      "data",
      "render",
      truncated,
      "--format",
      "alpaca",
      "--template",
      "alpaca",
      "--out",
      out,
    );
    expect(d.code).toBe(2);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(ws.dir).filter((name) => name.includes(".tmp-"))).toEqual([]);
  });

  it("an empty file, a missing file", async () => {
    const empty = await ws.tunectl(
      "data",
      "validate",
      ws.write("e.jsonl", ""),
      "--format",
      "alpaca",
    );
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain("e.jsonl: the file holds no records");
    const missing = await ws.tunectl(
      "data",
      "validate",
      ws.file("gone.jsonl"),
      "--format",
      "alpaca",
    );
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("gone.jsonl: no such file");
  });
});

describe("bad storage: exit 2 naming the storage path, nothing staged", () => {
  it("under a file", async () => {
    ws.write("afile", "x");
    ws.write("tunectl.yaml", "storage: afile/store\n");
    const result = await ws.tunectl("data", "stage", ws.file("tiny-cpu.yaml"));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${ws.file("afile")} is a file, not a directory`);
    expect(result.stderr).toContain("`storage` in tunectl.yaml");
  });

  it("under /proc (where a recursive mkdir never returns)", async () => {
    ws.write("tunectl.yaml", "storage: /proc/tunectl-store\n");
    const result = await ws.tunectl("data", "stage", ws.file("tiny-cpu.yaml"));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("storage /proc/tunectl-store: cannot create");
  });
});

describe("a bad workspace file: exit 2 at its file:line:col", () => {
  it("a storage URI of another scheme", async () => {
    ws.write("tunectl.yaml", 'storage: "ftp://bucket/x"\n');
    const result = await ws.tunectl("ps");
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      "tunectl.yaml:1:10: storage: not a local directory or an s3://",
    );
  });

  it("two hosts of one name", async () => {
    ws.write("tunectl.yaml", "hosts:\n  - name: a\n    address: x\n  - name: a\n    address: y\n");
    const result = await ws.tunectl("hosts");
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('tunectl.yaml:4:11: hosts.1.name: duplicate host name "a"');
  });
});

describe("refused before a run is created or gets an attempt", () => {
  it("gpus: 1 where no host has a GPU: exit 2 naming the host and its GPUs", async () => {
    const result = await ws.tunectl(
      "run",
      ws.file("tiny-cpu.yaml"),
      "--set",
      "resources.gpus=1",
      "--detach",
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("resources.gpus: 1 GPU(s) requested");
    expect(result.stderr).toContain("local: 0 GPU(s), 1 requested");
    expect(result.stderr).toContain("--set resources.gpus=0");
    expect(ws.runs()).toEqual([]);
    expect(ws.staged()).toEqual([]);
  });

  it("resume --host that the workspace does not have: exit 2, no attempt added", async () => {
    const [failed] = await twoRuns();
    const result = await ws.tunectl("resume", failed!, "--host", "nope");
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown host "nope"');
    expect(result.stderr).toContain("hosts in the workspace: local");
    const run = await new RunRegistry(ws.file(".tunectl")).get(failed!);
    expect(run.attempts).toHaveLength(1);
  });
});
