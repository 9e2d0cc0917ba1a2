import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";

// Drives the built CLI (npm test builds first) in a workspace of its own: host `local`.
const bin = path.resolve("bin", "tunectl.js");

function tunectl(args: string[], cwd: string) {
  const result = spawnSync(process.execPath, [bin, ...args], {
    cwd,
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "", NO_COLOR: "1", HF_HUB_OFFLINE: "1", HOME: cwd },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function workspace(maxSeqLen: number): string {
  const dir = mkdtempSync(path.join(tmpdir(), "tunectl-run-tokens-"));
  const record = {
    instruction: "Name a colour.",
    input: "",
    output: "Blue, the colour of the sky.",
  };
  writeFileSync(path.join(dir, "d.jsonl"), `${JSON.stringify(record)}\n`.repeat(1));
  writeFileSync(
    path.join(dir, "exp.yaml"),
    `name: t\ndata:\n  train: [{path: d.jsonl, format: alpaca}]\n  max_seq_len: ${maxSeqLen}\ntrain: {max_steps: 1}\nresources: {gpus: 0}\n`,
  );
  return dir;
}

describe("run counts the data in the model's tokens before anything exists", () => {
  it("--dry-run lists the tokens of each split", () => {
    const dir = workspace(512);
    const run = tunectl(["run", "exp.yaml", "--dry-run", "--json"], dir);
    expect(run.code).toBe(0);
    const { plan } = JSON.parse(run.stdout);
    expect(plan.tokens.train).toMatchObject({
      tokenizer: "builtin:tiny",
      records: 1,
      truncated: 0,
      dropped: 0,
    });
    expect(plan.tokens.train.length.max).toBeGreaterThan(100);
  });

  it.each([["--dry-run"], []])(
    "refuses data cut at max_seq_len (%s): exit 2, no run, nothing staged",
    (...flags) => {
      const dir = workspace(16);
      const run = tunectl(["run", "exp.yaml", ...flags], dir);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain("the training records do not fit data.max_seq_len");
      expect(run.stderr).toMatch(/exp\.yaml: data\.max_seq_len: 1 of 1 records/);
      expect(run.stderr).toContain("data.allow_truncation: true");
      expect(existsSync(path.join(dir, ".tunectl", "runs"))).toBe(false);
      expect(existsSync(path.join(dir, ".tunectl", "store"))).toBe(false);
    },
  );
});
