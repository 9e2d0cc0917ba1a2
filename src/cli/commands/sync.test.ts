import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RunRegistry, walkToRunning } from "../../runs/index.js";

// Drives the built CLI (npm test builds first) in a workspace without tunectl.yaml: the
// embedded host `local` and the store in .tunectl/store.
const bin = path.resolve("bin", "tunectl.js");
let dir: string;
let runId: string;
let hostDir: string;

function tunectl(args: string[]) {
  const result = spawnSync(process.execPath, [bin, ...args], {
    cwd: dir,
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "", NO_COLOR: "1" },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "tunectl-sync-cli-"));
  const registry = new RunRegistry(path.join(dir, ".tunectl"));
  runId = (
    await registry.create({
      name: "cli",
      configYaml: "name: cli\n",
      model: "builtin:tiny",
      image: "x",
      gpus_requested: 0,
    })
  ).id;
  hostDir = path.join(dir, "host-work", "runs", runId);
  await walkToRunning(registry, runId, {
    host: "local",
    gpus: [],
    runtime: "process",
    host_dir: hostDir,
  });
  mkdirSync(path.join(hostDir, "output", "logs"), { recursive: true });
  writeFileSync(path.join(hostDir, "output", "logs", "attempt-1.log"), "loading\nstep 1\nstep 2\n");
  writeFileSync(
    path.join(hostDir, "output", "metrics.jsonl"),
    '{"ts": 1, "step": 1, "loss": 2.5, "kind": "train"}\n',
  );
  writeFileSync(
    path.join(hostDir, "output", "generations.jsonl"),
    '{"ts": 1, "step": 0, "attempt": 1, "prompt_id": "p", "prompt": "Hi.", "output": "hello"}\n',
  );
  const ckpt = path.join(hostDir, "output", "checkpoints", "step-1");
  mkdirSync(ckpt, { recursive: true });
  writeFileSync(path.join(ckpt, "adapter.bin"), "weights");
  const sha = createHash("sha256").update("weights").digest("hex");
  writeFileSync(
    path.join(ckpt, "manifest.json"),
    JSON.stringify({
      step: 1,
      metrics: { loss: 2.5 },
      files: [{ path: "adapter.bin", size: 7, sha256: sha }],
    }),
  );
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("tunectl sync, logs, checkpoints", () => {
  it("sync catches up streams, checkpoints and the bucket mirror", () => {
    const sync = tunectl(["--json", "sync", "last"]);
    expect(sync.code, sync.stderr).toBe(0);
    const result = JSON.parse(sync.stdout) as {
      streams: { metrics: number; log: number; generations: number };
      checkpoints: { pulled: number[]; uploaded: number[] };
      mirrored: string[];
    };
    expect(result.streams).toEqual({ metrics: 51, log: 22, generations: 89 });
    expect(result.checkpoints).toMatchObject({ pulled: [1], uploaded: [1] });
    expect(result.mirrored).toContain("logs/attempt-1.log");
    expect(result.mirrored).toContain("generations.jsonl");
    const bucketRun = path.join(dir, ".tunectl", "store", "runs", runId);
    expect(readFileSync(path.join(bucketRun, "checkpoints", "step-1", "adapter.bin"), "utf8")).toBe(
      "weights",
    );
    expect(readFileSync(path.join(bucketRun, "metrics.jsonl"), "utf8")).toContain('"step": 1');
  });

  it("logs prints the local copy, --tail the last lines", () => {
    expect(tunectl(["logs", "last"]).stdout).toBe("loading\nstep 1\nstep 2\n");
    expect(tunectl(["logs", "last", "--tail", "1"]).stdout).toBe("step 2\n");
    const missing = tunectl(["logs", "last", "--attempt", "7"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no attempt 7/);
  });

  it("checkpoints says where each copy is", () => {
    const json = tunectl(["--json", "checkpoints", "last"]);
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual([
      { step: 1, metrics: { loss: 2.5 }, size: 7, local: true, bucket: true, host: true },
    ]);
    expect(tunectl(["checkpoints", "last"]).stdout).toMatch(
      /STEP\s+SIZE\s+LOSS\s+EVAL_LOSS\s+LOCAL\s+BUCKET\s+HOST\n\s*1\s+0\.0 KiB\s+2\.5000\s+-\s+yes\s+yes\s+yes/,
    );
  });
});
