import { followFile } from "../monitor/index.js";
import { parseMetricLines, type RunRegistry } from "../runs/index.js";
import type { EventStream } from "./sse.js";

export interface RunStreamFrom {
  /** Byte offset of metrics.jsonl already shown (the curves' metrics_end). */
  metrics: number;
  /** Byte offset of the latest attempt's log already shown. */
  log: number;
}

/** How often the local copies are looked at: the streamer writes them, this reads them. */
export const followIntervalMs = 100;

/**
 * One run's page kept live: new metric lines (`metrics`), new log text (`log`) and the record
 * whenever it changes (`record`), until the browser leaves.
 */
export async function streamRun(
  registry: RunRegistry,
  id: string,
  from: RunStreamFrom,
  stream: EventStream,
): Promise<void> {
  const paths = registry.paths(id);
  const run = await registry.get(id);
  const attempt = run.attempts.at(-1)?.n ?? 1;
  const signal = stream.closed;
  let partial = "";
  const metrics = followFile(
    paths.metrics,
    from.metrics,
    (bytes) => {
      const text = partial + bytes.toString("utf8");
      const cut = text.lastIndexOf("\n") + 1;
      partial = text.slice(cut);
      const lines = parseMetricLines(text.slice(0, cut));
      if (lines.length > 0) stream.send("metrics", lines);
    },
    { signal, intervalMs: followIntervalMs },
  );
  const decoder = new TextDecoder();
  const log = followFile(
    paths.attemptLog(attempt),
    from.log,
    (bytes) => stream.send("log", decoder.decode(bytes, { stream: true })),
    { signal, intervalMs: followIntervalMs },
  );
  const record = (async () => {
    let stamp = run.updated_at;
    while (!signal.aborted) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      const now = await registry.get(id).catch(() => undefined);
      if (now && now.updated_at !== stamp) {
        stamp = now.updated_at;
        stream.send("record", now);
      }
    }
  })();
  await Promise.all([metrics, log, record]);
}
