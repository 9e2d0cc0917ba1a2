import { appendFile, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LocalHost } from "../hosts/index.js";
import { parseGenerationLines } from "../contract/index.js";
import { RecordingReporter } from "../report/index.js";
import { RunRegistry, walkToRunning, type MetricLine } from "../runs/index.js";
import type { MonitorHost } from "./ports.js";
import { RunStreamer, type RunStreamerOptions } from "./run-streamer.js";

let root: string;
let registry: RunRegistry;
let runId: string;
let host: LocalHost;

const generationLine = (step: number, prompt: string) =>
  `${JSON.stringify({ ts: 1700000000 + step, step, attempt: 1, prompt_id: prompt, prompt: "### Instruction:\nSay hi.\n\n### Response:\n", output: `answer ${step} ✓` })}\n`;

const metricLine = (step: number) =>
  `${JSON.stringify({ ts: 1700000000 + step, step, total_steps: 500, loss: 2 - step / 1000, kind: "train" })}\n`;

async function hostDir(name: string): Promise<string> {
  const dir = path.join(root, "host", name);
  await mkdir(path.join(dir, "output", "logs"), { recursive: true });
  return dir;
}

function streamer(dir: string, extra: Partial<RunStreamerOptions> = {}) {
  return new RunStreamer({
    registry,
    runId,
    attempt: 1,
    host,
    hostDir: dir,
    reporter: new RecordingReporter(),
    pollIntervalMs: 20,
    backoffMs: { initial: 10, max: 50 },
    drainTimeoutMs: 5_000,
    ...extra,
  });
}

beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), "tunectl-stream-"));
  registry = new RunRegistry(path.join(root, "state"));
  runId = (
    await registry.create({
      name: "s",
      configYaml: "name: s\n",
      model: "builtin:tiny",
      image: "x",
      gpus_requested: 0,
    })
  ).id;
  host = new LocalHost("h1", root);
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("RunStreamer", () => {
  it("copies files that grow while they are streamed, byte for byte", async () => {
    const dir = await hostDir("a");
    const metrics = path.join(dir, "output", "metrics.jsonl");
    const log = path.join(dir, "output", "logs", "attempt-1.log");
    const generations = path.join(dir, "output", "generations.jsonl");
    const seen: MetricLine[] = [];
    const s = streamer(dir, { onMetric: (line) => seen.push(line) });
    expect(await s.start()).toBe(true);
    for (let step = 1; step <= 150; step++) {
      // write a line in two pieces so the streamer sees torn lines
      const line = metricLine(step);
      await appendFile(metrics, line.slice(0, 7));
      await appendFile(log, `step ${step} ünïcode\n`);
      if (step % 10 === 0) await appendFile(generations, generationLine(step, "p1"));
      if (step % 10 === 0) await new Promise((r) => setTimeout(r, 15));
      await appendFile(metrics, line.slice(7));
    }
    await s.stop({ drain: true });
    const paths = registry.paths(runId);
    expect(await readFile(paths.metrics)).toEqual(await readFile(metrics));
    expect(await readFile(paths.attemptLog(1))).toEqual(await readFile(log));
    expect(await readFile(paths.generations)).toEqual(await readFile(generations));
    expect(seen.map((line) => line.step)).toEqual(Array.from({ length: 150 }, (_, i) => i + 1));
    const attempt = (await registry.get(runId)).attempts[0]!;
    const copied = {
      metrics: (await readFile(metrics)).length,
      log: (await readFile(log)).length,
      generations: (await readFile(generations)).length,
    };
    expect(attempt.offsets).toEqual(copied);
    expect(s.offsets).toEqual(copied);
  });

  it("continues exactly from a partial local copy ending in a torn line", async () => {
    const dir = await hostDir("a");
    const metrics = path.join(dir, "output", "metrics.jsonl");
    const content = Array.from({ length: 40 }, (_, i) => metricLine(i + 1)).join("");
    await writeFile(metrics, content);
    const cut = content.indexOf("\n", 500) + 20; // mid-line
    await writeFile(registry.paths(runId).metrics, content.slice(0, cut));
    const seen: number[] = [];
    const s = streamer(dir, { onMetric: (line) => seen.push(line.step) });
    expect(await s.catchUp()).toBe("caught-up");
    expect(await readFile(registry.paths(runId).metrics, "utf8")).toBe(content);
    const firstWhole = content.slice(0, cut).split("\n").length; // the torn line's step
    expect(seen[0]).toBe(firstWhole);
    expect(seen[seen.length - 1]).toBe(40);
  });

  it("reconnects after drops and reports unreachable then reconnected", async () => {
    const dir = await hostDir("a");
    await walkToRunning(registry, runId, {
      host: "h1",
      gpus: [],
      runtime: "process",
      host_dir: dir,
    });
    const metrics = path.join(dir, "output", "metrics.jsonl");
    await writeFile(metrics, metricLine(1));
    let failures = 3;
    const flaky: MonitorHost = {
      name: "h1",
      exec: (argv, o) => host.exec(argv, o),
      script: (sc, a, o) => host.script(sc, a, o),
      readFile: (p, o) => host.readFile(p, o),
      stat: (p) => host.stat(p),
      getFile: (r, l, o) => host.getFile(r, l, o),
      stream: async (argv, options) => {
        if (failures-- > 0) throw new Error("connect ETIMEDOUT");
        return host.stream(argv, options);
      },
    };
    const reporter = new RecordingReporter();
    const s = streamer(dir, { host: flaky, reporter });
    await s.start();
    await new Promise((r) => setTimeout(r, 100));
    await appendFile(metrics, metricLine(2));
    await s.stop({ drain: true });
    expect(await readFile(registry.paths(runId).metrics)).toEqual(await readFile(metrics));
    const codes = reporter.codes();
    expect(codes.filter((c) => c === "monitor.unreachable")).toHaveLength(3);
    expect(codes).toContain("monitor.reconnected");
    expect(reporter.find("monitor.unreachable")!.message).toMatch(
      /^h1 unreachable for \d+ s, retrying$/,
    );
    expect((await registry.get(runId)).attempts[0]!.link).toEqual({ state: "reachable" });
    const links = (await registry.events(runId)).map((e) => e.type);
    expect(links).toContain("unreachable");
    expect(links).toContain("reachable");
  });

  it("treats a silent connection as dropped and starts again from the local length", async () => {
    const dir = await hostDir("a");
    const metrics = path.join(dir, "output", "metrics.jsonl");
    await writeFile(metrics, metricLine(1));
    let calls = 0;
    const hanging: MonitorHost = {
      ...host,
      name: "h1",
      exec: (argv, o) => host.exec(argv, o),
      script: (sc, a, o) => host.script(sc, a, o),
      readFile: (p, o) => host.readFile(p, o),
      stat: (p) => host.stat(p),
      getFile: (r, l, o) => host.getFile(r, l, o),
      stream: (argv, options) =>
        calls++ === 0
          ? new Promise((resolve) =>
              options.signal?.addEventListener("abort", () => resolve({ code: null })),
            )
          : host.stream(argv, options),
    };
    const reporter = new RecordingReporter();
    const s = streamer(dir, { host: hanging, reporter, stallTimeoutMs: 150 });
    await s.start();
    await new Promise((r) => setTimeout(r, 400));
    await s.stop({ drain: true });
    expect(calls).toBeGreaterThanOrEqual(2);
    expect(reporter.codes()).toContain("monitor.unreachable");
    expect(await readFile(registry.paths(runId).metrics)).toEqual(await readFile(metrics));
  });

  it("gives up a channel that opens only after its pass timed out, and ends its loop on the host", async () => {
    // The defect of a short cut that TCP survives: the channel asked for during the cut opens
    // after it, when its pass has long been given up; it must neither hold the streamer nor
    // keep its loop running on the host.
    const dir = await hostDir("a");
    const metrics = path.join(dir, "output", "metrics.jsonl");
    await writeFile(metrics, metricLine(1));
    let calls = 0;
    let late: Promise<unknown> | undefined;
    const cutThenBack: MonitorHost = {
      name: "h1",
      exec: (argv, o) => host.exec(argv, o),
      script: (sc, a, o) => host.script(sc, a, o),
      readFile: (p, o) => host.readFile(p, o),
      stat: (p) => host.stat(p),
      getFile: (r, l, o) => host.getFile(r, l, o),
      stream: (argv, options) => {
        if (calls++ > 0) return host.stream(argv, options);
        // opens once the pass was abandoned, and never hears of the abort
        late = new Promise((resolve) => options.signal?.addEventListener("abort", resolve)).then(
          () => host.stream(argv, { onStdout: options.onStdout }),
        );
        return late as Promise<{ code: number | null }>;
      },
    };
    const s = streamer(dir, { host: cutThenBack, stallTimeoutMs: 150 });
    await s.start();
    for (let step = 2; step <= 20; step++) {
      await appendFile(metrics, metricLine(step));
      await new Promise((r) => setTimeout(r, 20));
    }
    await s.stop({ drain: true });
    expect(await readFile(registry.paths(runId).metrics)).toEqual(await readFile(metrics));
    expect(calls).toBeGreaterThanOrEqual(2);
    // the late loop saw a newer pass take its lease and exited by itself
    expect(await late).toEqual({ code: 0 });
  });

  it("appends attempts: same host directory continues the remote file, another host starts at 0", async () => {
    const dirA = await hostDir("a");
    const dirB = await hostDir("b");
    const metricsA = path.join(dirA, "output", "metrics.jsonl");
    const metricsB = path.join(dirB, "output", "metrics.jsonl");
    await walkToRunning(registry, runId, {
      host: "h1",
      gpus: [],
      runtime: "process",
      host_dir: dirA,
    });
    const generationsA = path.join(dirA, "output", "generations.jsonl");
    const generationsB = path.join(dirB, "output", "generations.jsonl");
    await writeFile(metricsA, metricLine(1) + metricLine(2));
    await writeFile(generationsA, generationLine(0, "p1"));
    await streamer(dirA).catchUp();
    // attempt 2 on the same directory: the trainer appends to the same file
    await registry.apply(runId, { type: "exited", attempt: 1, exit_code: 1 });
    await registry.apply(runId, {
      type: "attempt_created",
      attempt: 2,
      reason: "resume",
      resume_from: null,
    });
    await walkToRunning(registry, runId, {
      host: "h1",
      gpus: [],
      runtime: "process",
      host_dir: dirA,
    });
    await appendFile(metricsA, metricLine(2) + metricLine(3));
    await appendFile(generationsA, generationLine(3, "p1"));
    await streamer(dirA, { attempt: 2 }).catchUp();
    // attempt 3 elsewhere
    await registry.apply(runId, { type: "exited", attempt: 2, exit_code: 1 });
    await registry.apply(runId, {
      type: "attempt_created",
      attempt: 3,
      reason: "retry",
      resume_from: null,
    });
    await walkToRunning(registry, runId, {
      host: "h2",
      gpus: [],
      runtime: "process",
      host_dir: dirB,
    });
    await writeFile(metricsB, metricLine(3) + metricLine(4));
    await writeFile(generationsB, generationLine(4, "p1"));
    const third = streamer(dirB, { attempt: 3, host: new LocalHost("h2", root) });
    await third.catchUp();
    // and again after a restart: nothing doubled
    await streamer(dirB, { attempt: 3, host: new LocalHost("h2", root) }).catchUp();
    const local = await readFile(registry.paths(runId).metrics, "utf8");
    expect(local).toBe((await readFile(metricsA, "utf8")) + (await readFile(metricsB, "utf8")));
    expect(await readFile(registry.paths(runId).generations, "utf8")).toBe(
      (await readFile(generationsA, "utf8")) + (await readFile(generationsB, "utf8")),
    );
  });

  it("copies generations.jsonl exactly once through cut channels and a restarted tunectl", async () => {
    const dir = await hostDir("a");
    const generations = path.join(dir, "output", "generations.jsonl");
    let passes = 0;
    // every following channel is cut after 50 ms, mid-frame or not: the next pass continues at
    // the local length (the final drain is left alone: a slow machine may need longer for it)
    const cutting: MonitorHost = {
      name: "h1",
      exec: (argv, o) => host.exec(argv, o),
      script: (sc, a, o) => host.script(sc, a, o),
      readFile: (p, o) => host.readFile(p, o),
      stat: (p) => host.stat(p),
      getFile: (r, l, o) => host.getFile(r, l, o),
      stream: (argv, options) => {
        if (!argv.includes("follow")) return host.stream(argv, options);
        passes++;
        const cut = new AbortController();
        options.signal?.addEventListener("abort", () => cut.abort(), { once: true });
        setTimeout(() => cut.abort(), 50);
        return host.stream(argv, { ...options, signal: cut.signal });
      },
    };
    const write = async (from: number, to: number) => {
      for (let step = from; step <= to; step++) {
        for (const prompt of ["p1", "p2"]) {
          const line = generationLine(step, prompt);
          await appendFile(generations, line.slice(0, 9)); // a line written in two pieces
          await new Promise((r) => setTimeout(r, 3));
          await appendFile(generations, line.slice(9));
        }
      }
    };
    const first = streamer(dir, { host: cutting });
    await first.start();
    await write(0, 15);
    await first.stop({ drain: false }); // tunectl killed: the host keeps writing
    await write(16, 25);
    const second = streamer(dir, { host: cutting });
    await second.start();
    await write(26, 40);
    await second.stop({ drain: true });
    expect(passes).toBeGreaterThan(2);
    const local = await readFile(registry.paths(runId).generations);
    expect(local).toEqual(await readFile(generations));
    const { lines, rejected } = parseGenerationLines(local.toString("utf8"));
    expect(rejected).toEqual([]);
    const keys = lines.map((line) => `${line.step}/${line.prompt_id}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys).toHaveLength(41 * 2);
  });

  it("stops at once while waiting to reconnect", async () => {
    const dir = await hostDir("a");
    const down: MonitorHost = {
      name: "h1",
      exec: (argv, o) => host.exec(argv, o),
      script: (sc, a, o) => host.script(sc, a, o),
      readFile: (p, o) => host.readFile(p, o),
      stat: (p) => host.stat(p),
      getFile: (r, l, o) => host.getFile(r, l, o),
      stream: () => Promise.reject(new Error("connect ECONNREFUSED")),
    };
    const s = streamer(dir, { host: down, backoffMs: { initial: 30_000, max: 30_000 } });
    await s.start();
    await new Promise((r) => setTimeout(r, 50));
    const started = Date.now();
    await s.stop({ drain: false });
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it("refuses a second streamer for the same attempt while the first runs", async () => {
    const dir = await hostDir("a");
    const first = streamer(dir);
    expect(await first.start()).toBe(true);
    expect(await streamer(dir).start()).toBe(false);
    await first.stop({ drain: false });
    const again = streamer(dir);
    expect(await again.start()).toBe(true);
    await again.stop({ drain: false });
  });
});
