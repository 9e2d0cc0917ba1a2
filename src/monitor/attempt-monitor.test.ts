import { appendFile, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LocalHost } from "../hosts/index.js";
import { RecordingReporter } from "../report/index.js";
import { RunRegistry } from "../runs/index.js";
import { monitorAttempt } from "./attempt-monitor.js";

let root: string;
let registry: RunRegistry;
let runId: string;
let hostDir: string;
let hostLog: string;
let hostMetrics: string;

beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), "tunectl-attempt-monitor-"));
  registry = new RunRegistry(path.join(root, "state"));
  runId = (
    await registry.create({
      name: "m",
      configYaml: "name: m\n",
      model: "builtin:tiny",
      image: "x",
      gpus_requested: 0,
    })
  ).id;
  hostDir = path.join(root, "host", "runs", runId);
  hostLog = path.join(hostDir, "output", "logs", "attempt-1.log");
  hostMetrics = path.join(hostDir, "output", "metrics.jsonl");
  await mkdir(path.dirname(hostLog), { recursive: true });
  await mkdir(path.join(hostDir, "output", "checkpoints"), { recursive: true });
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const until = async (check: () => Promise<boolean> | boolean) => {
  for (let i = 0; i < 200 && !(await check()); i++) {
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  expect(await check()).toBe(true);
};

describe("monitorAttempt beside another streaming process", () => {
  it("shows what the other one copies, then takes the stream over once it is gone", async () => {
    const host = new LocalHost("h1", root);
    const options = {
      registry,
      runId,
      attempt: 1,
      host,
      hostDir,
      reporter: new RecordingReporter(),
      takeOverEveryMs: 100,
    };
    await writeFile(hostLog, "one\n");
    const first = await monitorAttempt(options);
    expect(first.streaming).toBe(true);
    const local = registry.paths(runId).attemptLog(1);
    await until(async () => (await readFile(local, "utf8").catch(() => "")) === "one\n");

    let shown = "";
    const steps: number[] = [];
    const second = await monitorAttempt({
      ...options,
      onLog: (bytes) => (shown += bytes.toString()),
      onMetric: (line) => steps.push(line.step),
    });
    expect(second.streaming).toBe(false);
    await appendFile(hostLog, "two\n");
    await appendFile(
      hostMetrics,
      '{"ts": 1, "step": 1, "attempt": 1, "kind": "train"}\n{"ts": 2, "step": 2, "attempt": 1, "kin',
    );
    await until(() => shown === "two\n");
    await first.stop({ ended: false }); // a detach: the attempt goes on
    await appendFile(hostMetrics, 'd": "train"}\n');
    await appendFile(hostLog, "three\n");
    await until(() => second.streaming && shown === "two\nthree\n");
    await second.stop({ ended: true });
    expect(steps).toEqual([1, 2]);
    expect(await readFile(local)).toEqual(await readFile(hostLog));
    expect(await readFile(registry.paths(runId).metrics)).toEqual(await readFile(hostMetrics));
  });
});
