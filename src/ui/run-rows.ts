import { open, readFile } from "node:fs/promises";
import { parse } from "yaml";
import { applyMetric, etaSeconds, type LiveState } from "../monitor/index.js";
import {
  parseMetricLines,
  runOverview,
  type RunOverview,
  type RunRecord,
  type RunRegistry,
} from "../runs/index.js";
import { sweepLabel } from "../sweep/index.js";

/** One row of the runs page: `tunectl ps`'s overview plus what the page filters and shows. */
export interface RunRow extends RunOverview {
  eval_loss: number | null;
  tokens_per_s: number | null;
  eta_s: number | null;
  /** The W&B tags of the config and the run's labels as `key=value`. */
  tags: string[];
  sweep: string | null;
  /** A run read from the bucket's mirror (another workspace's), not this workspace's own. */
  remote: boolean;
}

const tailBytes = 16 * 1024;

/** Every run of the registry as a row, newest first. */
export async function runRows(registry: RunRegistry): Promise<RunRow[]> {
  const runs = await registry.list();
  const rows = await Promise.all(runs.map((run) => runRow(registry, run)));
  return rows.sort((a, b) => b.created_at.localeCompare(a.created_at));
}

export async function runRow(
  registry: RunRegistry,
  run: RunRecord,
  remote = false,
): Promise<RunRow> {
  const paths = registry.paths(run.id);
  const [overview, live, tags] = await Promise.all([
    runOverview(registry, run),
    liveTail(paths.metrics, run.id),
    configTags(paths.config),
  ]);
  const active = run.state === "running";
  return {
    ...overview,
    eval_loss: live.evalLoss ?? null,
    tokens_per_s: live.tokensPerS ?? null,
    eta_s: active ? (etaSeconds(live) ?? null) : null,
    tags: [...tags, ...Object.entries(run.labels ?? {}).map(([k, v]) => `${k}=${v}`)],
    sweep: run.labels?.[sweepLabel] ?? null,
    remote,
  };
}

/** The live view's state over the metrics tail (the latest eval, speed and step rate). */
async function liveTail(file: string, runId: string): Promise<LiveState> {
  let state: LiveState = { runId, gpus: [], step: 0 };
  let handle;
  try {
    handle = await open(file, "r");
  } catch {
    return state;
  }
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, tailBytes);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    let text = buffer.toString("utf8");
    if (length < size) text = text.slice(text.indexOf("\n") + 1); // the first line is cut
    for (const line of parseMetricLines(text)) state = applyMetric(state, line);
    return state;
  } finally {
    await handle.close();
  }
}

async function configTags(file: string): Promise<string[]> {
  const text = await readFile(file, "utf8").catch(() => "");
  try {
    const config = parse(text) as { tracking?: { wandb?: { tags?: unknown } } } | null;
    const tags = config?.tracking?.wandb?.tags;
    return Array.isArray(tags) ? tags.map(String) : [];
  } catch {
    return [];
  }
}
