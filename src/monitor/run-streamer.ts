import { closeSync, openSync, writeSync } from "node:fs";
import { mkdir, open, stat } from "node:fs/promises";
import path from "node:path";
import type { MetricLine, RunRegistryPort } from "../runs/index.js";
import { systemClock, type Clock, type Reporter } from "../report/index.js";
import { ProtocolError } from "./frame-decoder.js";
import { MetricLineSplitter } from "./metric-line-splitter.js";
import type { MonitorHost } from "./ports.js";
import { acquireStreamLock } from "./stream-lock.js";
import { monitorDir, remoteOffset, streamClientId, streamOrigin } from "./stream-origin.js";
import { streamPass } from "./stream-pass.js";
import { StreamReachability } from "./stream-reachability.js";
import { Backoff } from "./backoff.js";
import {
  monitorDrainIncomplete,
  monitorRemoteTruncated,
  monitorStreamBusy,
  monitorStreamDropped,
} from "./events.js";

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
  /**
   * No byte (data or heartbeat) for this long: the channel is stale and replaced. The host
   * sends a heartbeat about once a second while idle. Default 5 s.
   */
  stallTimeoutMs?: number;
  backoffMs?: { initial: number; max: number };
  persistEveryMs?: number;
  maxFrameBytes?: number;
  /** How long the final drain keeps retrying an unreachable host. */
  drainTimeoutMs?: number;
}

type FileKey = "m" | "l" | "g";

/** How a catch-up pass ended: everything copied, another process streams it, or gave up. */
export type CatchUpOutcome = "caught-up" | "busy" | "incomplete";

interface LocalSink {
  fd: number;
  /** Next remote offset to receive. */
  remote: number;
  local: string;
}

/**
 * Copies one attempt's metrics.jsonl, log and generations.jsonl from the host by byte offset over one SSH
 * channel (a polling sh loop, stream-script.ts). Offsets come from the local files' lengths,
 * so a restart after any crash continues exactly; a channel that fails, ends or falls silent
 * (no heartbeat) is replaced after a capped backoff, and its loop on the host ends.
 */
export class RunStreamer {
  private readonly clock: Clock;
  private readonly sinks = new Map<FileKey, LocalSink>();
  private splitter = new MetricLineSplitter();
  private lease = "";
  private loop?: Promise<void>;
  private stopping = false;
  /** Ends the following pass, and cuts a reconnect backoff short, when stop() is called. */
  private readonly stopped = new AbortController();
  private lock?: { release(): Promise<void> };
  private lastPersist = 0;
  private persisting?: Promise<void>;
  private readonly reachability: StreamReachability;
  private truncationReported = new Set<string>();
  private closedOffsets = { metrics: 0, log: 0, generations: 0 };
  private busyReported = false;

  constructor(private readonly options: RunStreamerOptions) {
    this.clock = options.clock ?? systemClock;
    this.reachability = new StreamReachability({
      host: options.host.name,
      reporter: options.reporter,
      clock: this.clock,
      record: (event) =>
        options.registry
          .apply(options.runId, { ...event, attempt: options.attempt })
          .then(() => undefined),
    });
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

  /** Stop following. With `drain` (the trainer exited), copy what is left first. */
  async stop({ drain = true }: { drain?: boolean } = {}): Promise<void> {
    this.stopping = true;
    this.stopped.abort();
    await this.loop;
    try {
      if (drain && this.sinks.size > 0) await this.drainWithRetry();
    } finally {
      await this.close();
    }
  }

  /**
   * One catch-up pass without following (`tunectl sync`, settling an exited attempt): copies
   * up to the host files' current ends. "busy" when another process streams the attempt.
   */
  async catchUp(): Promise<CatchUpOutcome> {
    if (!(await this.open())) return "busy";
    try {
      return (await this.drainWithRetry()) ? "caught-up" : "incomplete";
    } finally {
      await this.close();
    }
  }

  /** Remote offsets copied so far (kept after stop, for reports). */
  get offsets(): { metrics: number; log: number; generations: number } {
    if (this.sinks.size === 0) return this.closedOffsets;
    return {
      metrics: this.sinks.get("m")!.remote,
      log: this.sinks.get("l")!.remote,
      generations: this.sinks.get("g")!.remote,
    };
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
      if (this.busyReported) return false;
      this.busyReported = true;
      monitorStreamBusy.emit(
        this.options.reporter,
        `attempt ${attempt} is already streamed by process ${lock.heldBy}`,
        { pid: lock.heldBy },
      );
      return false;
    }
    this.lock = lock;
    const client = await streamClientId(paths.dir);
    this.lease = path.posix.join(hostDir, "stream-leases", `${client}.attempt-${attempt}`);
    const metricsLength = await fileLength(paths.metrics);
    const generationsLength = await fileLength(paths.generations);
    const run = await registry.get(runId);
    const origin = await streamOrigin(
      run,
      paths.dir,
      attempt,
      host.name,
      hostDir,
      metricsLength,
      generationsLength,
    );
    const metricsRemote = remoteOffset(origin, "metrics", metricsLength);
    this.splitter = new MetricLineSplitter(await unfinishedTail(paths.metrics, metricsLength));
    this.sinks.set("m", {
      fd: openSync(paths.metrics, "a"),
      remote: metricsRemote,
      local: paths.metrics,
    });
    this.sinks.set("g", {
      fd: openSync(paths.generations, "a"),
      remote: remoteOffset(origin, "generations", generationsLength),
      local: paths.generations,
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
      const { failure, gotBytes } = await this.pass("follow", this.stopped.signal);
      if (this.stopping) break;
      if (gotBytes) backoff.reset();
      await this.reachability.unreachable(failure ?? "stream ended");
      await this.clock.sleep(backoff.next(), this.stopped.signal);
    }
  }

  /** Copy up to the host files' ends, retrying an unreachable host up to the drain timeout. */
  private async drainWithRetry(): Promise<boolean> {
    const deadline = this.clock.now().getTime() + (this.options.drainTimeoutMs ?? 60_000);
    const backoff = new Backoff(this.options.backoffMs ?? { initial: 500, max: 5_000 });
    // bounded by tries too, so a clock that does not move (a test's) still ends
    const maxTries = Math.max(3, Math.ceil((this.options.drainTimeoutMs ?? 60_000) / 1000));
    for (let tries = 1; ; tries++) {
      const { failure } = await this.pass("once", new AbortController().signal);
      if (failure === undefined) return true;
      await this.reachability.unreachable(failure);
      if (this.clock.now().getTime() >= deadline || tries >= maxTries) {
        monitorDrainIncomplete.emit(
          this.options.reporter,
          `could not copy the end of attempt ${this.options.attempt}'s output from ${this.options.host.name}: ${failure}; \`tunectl sync ${this.options.runId}\` catches up later`,
          { host: this.options.host.name, error: failure },
        );
        return false;
      }
      await this.clock.sleep(backoff.next());
    }
  }

  private async pass(mode: "follow" | "once", signal: AbortSignal) {
    const { host, hostDir, attempt } = this.options;
    const pollIntervalMs = this.options.pollIntervalMs ?? 100;
    const result = await streamPass({
      host,
      mode,
      metrics: {
        path: path.posix.join(hostDir, "output", "metrics.jsonl"),
        offset: this.sinks.get("m")!.remote,
      },
      log: {
        path: path.posix.join(hostDir, "output", "logs", `attempt-${attempt}.log`),
        offset: this.sinks.get("l")!.remote,
      },
      generations: {
        path: path.posix.join(hostDir, "output", "generations.jsonl"),
        offset: this.sinks.get("g")!.remote,
      },
      lease: this.lease,
      pollIntervalMs,
      maxFrameBytes: this.options.maxFrameBytes ?? 4 * 1024 * 1024,
      stallTimeoutMs: this.options.stallTimeoutMs ?? 5_000,
      clock: this.clock,
      signal,
      frames: {
        data: (file, offset, bytes) => this.append(file as FileKey, offset, bytes),
        truncated: (file, size) => this.reportTruncated(file, size),
      },
      onFirstByte: () => void this.reachability.reachable(),
    });
    if (result.failure !== undefined && result.gotBytes && result.failure !== "stopped") {
      monitorStreamDropped.emit(this.options.reporter, result.failure, {
        host: host.name,
      });
    }
    return result;
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
    monitorRemoteTruncated.emit(
      this.options.reporter,
      `${this.options.host.name}: ${truncatedName[file as FileKey] ?? file} is ${size} bytes, shorter than the ${sink?.remote ?? 0} already copied; waiting for it to grow`,
      { host: this.options.host.name, file, size },
    );
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

const truncatedName: Record<FileKey, string> = {
  m: "metrics.jsonl",
  l: "the log",
  g: "generations.jsonl",
};

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
