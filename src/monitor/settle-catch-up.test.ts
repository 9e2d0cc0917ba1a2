import { appendFile, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LocalHost } from "../hosts/index.js";
import { RecordingReporter } from "../report/index.js";
import { RunRegistry, walkToRunning, type RunRecord } from "../runs/index.js";
import type { MonitorHost } from "./ports.js";
import { RunStreamer } from "./run-streamer.js";
import { streamsCaughtUp } from "./settle-catch-up.js";

let root: string;
let registry: RunRegistry;
let run: RunRecord;
let host: LocalHost;
let hostDir: string;
let hostMetrics: string;
let hostLog: string;

const lines = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => `{"step": ${from + i}, "kind": "train"}\n`).join(
    "",
  );

beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), "tunectl-settle-"));
  registry = new RunRegistry(path.join(root, "state"));
  hostDir = path.join(root, "host", "runs", "r");
  hostMetrics = path.join(hostDir, "output", "metrics.jsonl");
  hostLog = path.join(hostDir, "output", "logs", "attempt-1.log");
  await mkdir(path.dirname(hostLog), { recursive: true });
  const created = await registry.create({
    name: "s",
    configYaml: "name: s\n",
    model: "builtin:tiny",
    image: "x",
    gpus_requested: 0,
  });
  run = await walkToRunning(registry, created.id, {
    host: "h1",
    gpus: [],
    runtime: "process",
    host_dir: hostDir,
  });
  host = new LocalHost("h1", root);
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const identical = async () =>
  (await readFile(registry.paths(run.id).metrics)).equals(await readFile(hostMetrics)) &&
  (await readFile(registry.paths(run.id).attemptLog(1))).equals(await readFile(hostLog));

const unreachable: MonitorHost = {
  name: "h1",
  exec: () => Promise.reject(new Error("connect ETIMEDOUT")),
  script: () => Promise.reject(new Error("connect ETIMEDOUT")),
  readFile: () => Promise.reject(new Error("connect ETIMEDOUT")),
  stat: () => Promise.reject(new Error("connect ETIMEDOUT")),
  getFile: () => Promise.reject(new Error("connect ETIMEDOUT")),
  stream: () => Promise.reject(new Error("connect ETIMEDOUT")),
};

describe("streamsCaughtUp (before an exited attempt is settled)", () => {
  it("copies what nobody streamed up to the host files' ends", async () => {
    await writeFile(hostMetrics, lines(1, 200));
    await writeFile(hostLog, "the trainer's last words\n");
    const reporter = new RecordingReporter();
    expect(await streamsCaughtUp(registry, run, host, { reporter })).toBe(true);
    expect(await identical()).toBe(true);
  });

  it("waits for the streamer another tunectl runs to reach the host's sizes", async () => {
    await writeFile(hostMetrics, lines(1, 10));
    await writeFile(hostLog, "start\n");
    const follower = new RunStreamer({
      registry,
      runId: run.id,
      attempt: 1,
      host,
      hostDir,
      reporter: new RecordingReporter(),
      // long enough that the check below always finds it behind on a loaded machine, well
      // inside the 30 s the check waits for it
      pollIntervalMs: 8_000,
    });
    expect(await follower.start()).toBe(true);
    try {
      // the follower has its first bytes and polls again in 8 s: the new ones are behind
      while ((await readFile(registry.paths(run.id).metrics, "utf8")) !== lines(1, 10)) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      await appendFile(hostMetrics, lines(11, 300));
      await appendFile(hostLog, "done\n");
      const reporter = new RecordingReporter();
      expect(await streamsCaughtUp(registry, run, host, { reporter })).toBe(true);
      expect(await identical()).toBe(true);
      expect(reporter.codes()).toContain("monitor.stream_busy");
    } finally {
      await follower.stop({ drain: false });
    }
  });

  it("says behind, with monitor.settle_deferred, while the streaming tunectl cannot copy", async () => {
    await writeFile(hostMetrics, lines(1, 10));
    await writeFile(hostLog, "start\n");
    const stuck = new RunStreamer({
      registry,
      runId: run.id,
      attempt: 1,
      host: unreachable,
      hostDir,
      reporter: new RecordingReporter(),
      backoffMs: { initial: 10, max: 50 },
    });
    expect(await stuck.start()).toBe(true);
    try {
      const reporter = new RecordingReporter();
      expect(await streamsCaughtUp(registry, run, host, { reporter, waitMs: 300 })).toBe(false);
      const deferred = reporter.find("monitor.settle_deferred");
      expect(deferred?.data).toMatchObject({
        attempt: 1,
        metrics: { local: 0, host: lines(1, 10).length },
      });
    } finally {
      await stuck.stop({ drain: false });
    }
  });

  it("says behind when the host does not answer", async () => {
    await writeFile(hostMetrics, lines(1, 10));
    const reporter = new RecordingReporter();
    expect(await streamsCaughtUp(registry, run, unreachable, { reporter })).toBe(false);
    expect(reporter.codes()).toContain("monitor.settle_deferred");
  });
});
