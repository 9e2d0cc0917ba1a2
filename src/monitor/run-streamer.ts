import { closeSync, openSync, writeSync } from "node:fs";
import { mkdir, open, stat } from "node:fs/promises";
import path from "node:path";
import type { MetricLine, RunRegistryPort } from "../runs/index.js";
import { report, systemClock, type Clock, type Reporter } from "../report/index.js";
import { FrameDecoder, ProtocolError } from "./frame-decoder.js";
import { MetricLineSplitter } from "./metric-line-splitter.js";
import type { MonitorHost } from "./ports.js";
import { acquireStreamLock } from "./stream-lock.js";
import { monitorDir, streamOrigin, type StreamOrigin } from "./stream-origin.js";
import { streamScript } from "./stream-script.js";
import { Backoff } from "./backoff.js";

export interface RunStreamerOptions {
  registry: Pick<RunRegistryPort, "get" | "apply" | "paths">;
  runId: string;
  attempt: number;
  host: MonitorHost;
  /** The attempt's directory on the host (`Attempt.host_dir`). */
  hostDir: string;
  reporter: Reporter;
  clock?: Clock;
  /** Each complete metric line appended from now on. */
  onMetric?(line: MetricLine): void;
  /** Each chunk of the attempt's log appended from now on. */
  onLog?(bytes: Buffer): void;
  pollIntervalMs?: number;
  /** No byte (data or heartbeat) for this long: the connection is treated as dropped. */
  stallTimeoutMs?: number;
  backoffMs?: { initial: number; max: number };
  persistEveryMs?: number;
  maxFrameBytes?: number;
  /** How long the final drain keeps retrying an unreachable host. */
  drainTimeoutMs?: number;
}

type FileKey = "m" | "l";

interface LocalSink {
  fd: number;
  /** Next remote offset to receive. */
  remote: number;
  local: string;
}

/**
 * Copies one attempt's metrics.jsonl and log from the host by byte offset over one SSH
 * channel (a polling sh loop, stream-script.ts). Offsets come from the local files' lengths,
 * so a restart after any crash continues exactly; drops reconnect with capped backoff.
 */
export class RunStreamer {
  private readonly clock: Clock;
  private readonly sinks = new Map<FileKey, LocalSink>();
  private splitter = new MetricLineSplitter();
  private origin?: StreamOrigin;
  private controller?: AbortController;
  private loop?: Promise<void>;
  private stopping = false;
  /** Cuts a reconnect backoff short when stop() is called. */
  private readonly stopped = new AbortController();
  private lock?: { release(): Promise<void> };
  private lastPersist = 0;
  private persisting?: Promise<void>;
  private unreachableSince?: Date;
  private lastByteAt = 0;
  private truncationReported = new Set<string>();
  private closedOffsets = { metrics: 0, log: 0 };

  constructor(private readonly options: RunStreamerOptions) {
    this.clock = options.clock ?? systemClock;
  }

  /**
   * Open the local copies and start following. Resolves false without streaming when
   * another live process already streams this attempt (it appends to the same files).
   */
  async start(): Promise<boolean> {
    if (!(await this.open())) return false;
    this.loop = this.follow();
    return true;
  }

  /** Stop following. With `drain` (the container exited), copy what is left first. */
  async stop({ drain = true }: { drain?: boolean } = {}): Promise<void> {
    this.stopping = true;
    this.controller?.abort();
    this.stopped.abort();
    await this.loop;
    try {
      if (drain && this.sinks.size > 0) await this.drainWithRetry();
    } finally {
      await this.close();
    }
  }

  /** One catch-up pass without following (`tunectl sync`, a detached run's `logs`). */
  async catchUp(): Promise<boolean> {
    if (!(await this.open())) return false;
    try {
      await this.drainWithRetry();
    } finally {
      await this.close();
    }
    return true;
  }

  /** Remote offsets copied so far (kept after stop, for reports). */
  get offsets(): { metrics: number; log: number } {
    if (this.sinks.size === 0) return this.closedOffsets;
    return { metrics: this.sinks.get("m")!.remote, log: this.sinks.get("l")!.remote };
  }

  private async open(): Promise<boolean> {
    const { registry, runId, attempt, host, hostDir } = this.options;
    const paths = registry.paths(runId);
    await mkdir(monitorDir(paths.dir), { recursive: true });
    await mkdir(paths.logs, { recursive: true });
    const lock = await acquireStreamLock(
      path.join(monitorDir(paths.dir), `attempt-${attempt}.lock`),
    );
    if ("heldBy" in lock) {
      report(
        this.options.reporter,
        "info",
        "monitor.stream_busy",
        `attempt ${attempt} is already streamed by process ${lock.heldBy}`,
        { pid: lock.heldBy },
      );
      return false;
    }
    this.lock = lock;
    const metricsLength = await fileLength(paths.metrics);
    const run = await registry.get(runId);
    this.origin = await streamOrigin(run, paths.dir, attempt, host.name, hostDir, metricsLength);
    const metricsRemote = Math.max(
      0,
      metricsLength - this.origin.metrics_local_start + this.origin.metrics_remote_start,
    );
    this.splitter = new MetricLineSplitter(await unfinishedTail(paths.metrics, metricsLength));
    this.sinks.set("m", {
      fd: openSync(paths.metrics, "a"),
      remote: metricsRemote,
      local: paths.metrics,
    });
    const logFile = paths.attemptLog(attempt);
    this.sinks.set("l", {
      fd: openSync(logFile, "a"),
      remote: await fileLength(logFile),
      local: logFile,
    });
    return true;
  }

  private async close(): Promise<void> {
    await this.persistOffsets(true);
    this.closedOffsets = this.offsets;
    for (const sink of this.sinks.values()) closeSync(sink.fd);
    this.sinks.clear();
    await this.lock?.release();
    this.lock = undefined;
  }

  private async follow(): Promise<void> {
    const backoff = new Backoff(this.options.backoffMs ?? { initial: 500, max: 5_000 });
    while (!this.stopping) {
      const failure = await this.runPass("follow");
      if (this.stopping) break;
      if (this.lastByteAt > 0) backoff.reset();
      await this.markUnreachable(failure ?? "stream ended");
      await this.clock.sleep(backoff.next(), this.stopped.signal);
    }
  }

  private async drainWithRetry(): Promise<void> {
    const deadline = this.clock.now().getTime() + (this.options.drainTimeoutMs ?? 60_000);
    const backoff = new Backoff(this.options.backoffMs ?? { initial: 500, max: 5_000 });
    for (;;) {
      const failure = await this.runPass("once");
      if (failure === undefined) return;
      await this.markUnreachable(failure);
      if (this.clock.now().getTime() >= deadline) {
        report(
          this.options.reporter,
          "warn",
          "monitor.drain_incomplete",
          `could not copy the end of attempt ${this.options.attempt}'s output from ${this.options.host.name}: ${failure}; \`tunectl sync ${this.options.runId}\` catches up later`,
          { host: this.options.host.name, error: failure },
        );
        return;
      }
      await this.clock.sleep(backoff.next());
    }
  }

  /** One connection: resolves undefined when a drain pass completed, else why it ended. */
  private async runPass(mode: "follow" | "once"): Promise<string | undefined> {
    const { host, hostDir, attempt } = this.options;
    const controller = new AbortController();
    this.controller = controller;
    if (this.stopping && mode === "follow") return "stopped";
    let ended = false;
    let failure: string | undefined;
    this.lastByteAt = 0;
    const decoder = new FrameDecoder({
      data: (file, offset, bytes) => this.append(file as FileKey, offset, bytes),
      heartbeat: () => {},
      truncated: (file, size) => this.reportTruncated(file, size),
      end: () => (ended = true),
    });
    const stallMs = this.options.stallTimeoutMs ?? 5_000;
    let lastSeen = this.clock.now().getTime();
    const watchdog = setInterval(
      () => {
        if (this.clock.now().getTime() - lastSeen > stallMs) {
          failure = `no data for ${Math.round(stallMs / 1000)} s`;
          controller.abort();
        }
      },
      Math.min(1_000, stallMs / 2),
    );
    let stderr = "";
    const argv = [
      "sh",
      "-c",
      streamScript,
      "tunectl-stream",
      String((this.options.pollIntervalMs ?? 100) / 1000),
      mode,
      path.posix.join(hostDir, "output", "metrics.jsonl"),
      String(this.sinks.get("m")!.remote),
      path.posix.join(hostDir, "output", "logs", `attempt-${attempt}.log`),
      String(this.sinks.get("l")!.remote),
      String(this.options.maxFrameBytes ?? 4 * 1024 * 1024),
      String(Math.max(1, Math.round(1000 / (this.options.pollIntervalMs ?? 100)))),
    ];
    try {
      const result = await host.stream(argv, {
        signal: controller.signal,
        onStdout: (chunk) => {
          if (controller.signal.aborted) return;
          lastSeen = this.clock.now().getTime();
          if (this.lastByteAt === 0) void this.markReachable();
          this.lastByteAt = lastSeen;
          try {
            decoder.push(chunk);
          } catch (error) {
            failure = (error as Error).message;
            controller.abort();
          }
        },
        onStderr: (chunk) => {
          stderr = (stderr + chunk.toString("utf8")).slice(-2_000);
        },
      });
      if (failure === undefined && !(mode === "once" && ended && decoder.idle)) {
        failure = controller.signal.aborted
          ? "stopped"
          : `stream ended (exit ${result.code ?? result.signal})${stderr ? `: ${stderr.trim()}` : ""}`;
      }
    } catch (error) {
      failure ??= (error as Error).message;
    } finally {
      clearInterval(watchdog);
    }
    if (failure !== undefined && this.lastByteAt > 0 && failure !== "stopped") {
      report(this.options.reporter, "debug", "monitor.stream_dropped", failure, {
        host: host.name,
      });
    }
    return failure;
  }

  private append(file: FileKey, offset: number, bytes: Buffer): void {
    const sink = this.sinks.get(file);
    if (!sink) throw new ProtocolError(`unknown stream file ${file}`);
    if (offset !== sink.remote) {
      throw new ProtocolError(`frame for ${file} at ${offset}, expected ${sink.remote}`);
    }
    let written = 0;
    while (written < bytes.length) written += writeSync(sink.fd, bytes, written);
    sink.remote += bytes.length;
    // parsing is for the live view only: without a listener the bytes are just copied
    if (file === "m" && this.options.onMetric) {
      for (const line of this.splitter.push(bytes)) this.options.onMetric(line);
    } else if (file === "l") this.options.onLog?.(bytes);
    void this.persistOffsets(false);
  }

  private reportTruncated(file: string, size: number): void {
    if (this.truncationReported.has(file)) return;
    this.truncationReported.add(file);
    const sink = this.sinks.get(file as FileKey);
    report(
      this.options.reporter,
      "warn",
      "monitor.remote_truncated",
      `${this.options.host.name}: ${file === "m" ? "metrics.jsonl" : "the log"} is ${size} bytes, shorter than the ${sink?.remote ?? 0} already copied; waiting for it to grow`,
      { host: this.options.host.name, file, size },
    );
  }

  private async markUnreachable(why: string): Promise<void> {
    const now = this.clock.now();
    const first = this.unreachableSince === undefined;
    this.unreachableSince ??= now;
    const seconds = Math.round((now.getTime() - this.unreachableSince.getTime()) / 1000);
    const name = this.options.host.name;
    report(
      this.options.reporter,
      "warn",
      "monitor.unreachable",
      `${name} unreachable for ${seconds} s, retrying`,
      { host: name, since: this.unreachableSince.toISOString(), seconds, error: why },
    );
    if (first) {
      const since = this.unreachableSince.toISOString();
      await this.options.registry
        .apply(this.options.runId, {
          type: "unreachable",
          attempt: this.options.attempt,
          since,
          error: why,
        })
        .catch(() => {});
    }
  }

  private async markReachable(): Promise<void> {
    if (this.unreachableSince === undefined) return;
    const seconds = Math.round(
      (this.clock.now().getTime() - this.unreachableSince.getTime()) / 1000,
    );
    this.unreachableSince = undefined;
    const name = this.options.host.name;
    report(
      this.options.reporter,
      "info",
      "monitor.reconnected",
      `${name} reachable again after ${seconds} s`,
      { host: name, seconds },
    );
    await this.options.registry
      .apply(this.options.runId, { type: "reachable", attempt: this.options.attempt })
      .catch(() => {});
  }

  /** Offsets in run.json are informational (the local lengths are the truth); throttled. */
  private persistOffsets(force: boolean): Promise<void> {
    const now = this.clock.now().getTime();
    if (this.persisting)
      return force ? this.persisting.then(() => this.persistOffsets(true)) : this.persisting;
    if (!force && now - this.lastPersist < (this.options.persistEveryMs ?? 2_000)) {
      return Promise.resolve();
    }
    if (this.sinks.size === 0) return Promise.resolve();
    this.lastPersist = now;
    const offsets = this.offsets;
    this.persisting = this.options.registry
      .apply(this.options.runId, {
        type: "offsets_recorded",
        attempt: this.options.attempt,
        offsets,
      })
      .then(() => undefined)
      .catch(() => {})
      .finally(() => (this.persisting = undefined));
    return this.persisting;
  }
}

async function fileLength(file: string): Promise<number> {
  return (await stat(file).catch(() => null))?.size ?? 0;
}

/** The bytes after the local file's last newline: a line the host has not finished yet. */
async function unfinishedTail(file: string, length: number): Promise<Buffer> {
  if (length === 0) return Buffer.alloc(0);
  const handle = await open(file, "r");
  try {
    const size = Math.min(length, 1024 * 1024);
    const buffer = Buffer.alloc(size);
    await handle.read(buffer, 0, size, length - size);
    const newline = buffer.lastIndexOf(0x0a);
    return newline === -1 && size < length ? Buffer.alloc(0) : buffer.subarray(newline + 1);
  } finally {
    await handle.close();
  }
}
