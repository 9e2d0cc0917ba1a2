import type { Clock } from "../report/index.js";
import { FrameDecoder, type FrameHandler } from "./frame-decoder.js";
import type { MonitorHost } from "./ports.js";
import { streamScript } from "./stream-script.js";

export interface StreamPassRequest {
  host: MonitorHost;
  mode: "follow" | "once";
  metrics: { path: string; offset: number };
  log: { path: string; offset: number };
  generations: { path: string; offset: number };
  /** Host file naming the pass that owns this workstation's loop (see stream-script.ts). */
  lease: string;
  pollIntervalMs: number;
  maxFrameBytes: number;
  /** No byte (data or heartbeat) for this long: the channel is stale. */
  stallTimeoutMs: number;
  clock: Clock;
  /** Aborting ends the pass (stop, detach). */
  signal: AbortSignal;
  frames: Omit<FrameHandler, "end" | "heartbeat">;
  /** The first byte of the pass arrived. */
  onFirstByte(): void;
}

export interface StreamPassResult {
  /** Undefined when a `once` pass copied everything there was; otherwise why the pass ended. */
  failure?: string;
  /** Whether any byte arrived (a heartbeat counts). */
  gotBytes: boolean;
}

/**
 * One channel to the host running the stream script. The pass ends, whatever the channel
 * does, when the signal aborts or when no byte arrived for `stallTimeoutMs`: the host writes a
 * heartbeat about once a second while idle, so silence means the link or the channel is gone,
 * even while TCP still holds the connection. An ended pass never waits for its channel to
 * close: ssh2 may not hear back for minutes behind a cut. Late bytes of an abandoned channel
 * are dropped, and the host's loop ends on its next write or when the next pass takes its lease.
 */
export async function streamPass(request: StreamPassRequest): Promise<StreamPassResult> {
  const { clock, mode } = request;
  const controller = new AbortController();
  const abandon = () => controller.abort();
  if (request.signal.aborted) return { failure: "stopped", gotBytes: false };
  request.signal.addEventListener("abort", abandon, { once: true });
  let failure: string | undefined;
  let ended = false;
  let gotBytes = false;
  const decoder = new FrameDecoder({
    ...request.frames,
    heartbeat: () => {},
    end: () => (ended = true),
  });
  let lastSeen = clock.now().getTime();
  const watchdog = setInterval(
    () => {
      if (clock.now().getTime() - lastSeen <= request.stallTimeoutMs) return;
      failure ??= `no data for ${Math.round(request.stallTimeoutMs / 1000)} s`;
      controller.abort();
    },
    Math.min(1_000, request.stallTimeoutMs / 2),
  );
  let stderr = "";
  const abandoned = new Promise<"abandoned">((resolve) =>
    controller.signal.addEventListener("abort", () => resolve("abandoned"), { once: true }),
  );
  try {
    const outcome = await Promise.race([
      request.host
        .stream(argv(request), {
          signal: controller.signal,
          onStdout: (chunk) => {
            if (controller.signal.aborted) return;
            lastSeen = clock.now().getTime();
            if (!gotBytes) request.onFirstByte();
            gotBytes = true;
            try {
              decoder.push(chunk);
            } catch (error) {
              failure ??= (error as Error).message;
              controller.abort();
            }
          },
          onStderr: (chunk) => {
            stderr = (stderr + chunk.toString("utf8")).slice(-2_000);
          },
        })
        .then(
          (result) => ({ result }),
          (error: Error) => ({ error }),
        ),
      abandoned,
    ]);
    if (outcome === "abandoned" || controller.signal.aborted) {
      failure ??= "stopped";
    } else if ("error" in outcome) {
      failure ??= outcome.error.message;
    } else if (!(mode === "once" && ended && decoder.idle)) {
      const { code, signal } = outcome.result;
      failure ??= `stream ended (exit ${code ?? signal})${stderr ? `: ${stderr.trim()}` : ""}`;
    }
  } finally {
    clearInterval(watchdog);
    request.signal.removeEventListener("abort", abandon);
    controller.abort();
  }
  return failure === undefined ? { gotBytes } : { failure, gotBytes };
}

function argv(request: StreamPassRequest): string[] {
  return [
    "sh",
    "-c",
    streamScript,
    "tunectl-stream",
    String(request.pollIntervalMs / 1000),
    request.mode,
    request.metrics.path,
    String(request.metrics.offset),
    request.log.path,
    String(request.log.offset),
    String(request.maxFrameBytes),
    // idle polls between heartbeats: about one a second
    String(Math.max(1, Math.round(1000 / request.pollIntervalMs))),
    request.lease,
    request.generations.path,
    String(request.generations.offset),
  ];
}
