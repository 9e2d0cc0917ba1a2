import type { IncomingMessage, ServerResponse } from "node:http";
import { compareRuns, renderHtmlReport } from "../compare/index.js";
import { isTunectlError, UserError } from "../errors/index.js";
import { readLastLines, unreachableGpuRow, type BucketStore } from "../monitor/index.js";
import type { Reporter } from "../report/index.js";
import type { RunRecord, RunRegistry } from "../runs/index.js";
import { isActionName, type UiActions, type UiSources } from "./actions.js";
import type { BucketRuns } from "./bucket-runs.js";
import { comparePage } from "./compare-page.js";
import { uiAction, uiActionFailed } from "./events.js";
import { runCurves, type CurveAxis } from "./run-curves.js";
import { runGpuHost, selectRunGpus } from "./run-gpus.js";
import { runPage } from "./run-page.js";
import { streamRun } from "./run-stream.js";
import type { RunsFeed } from "./runs-feed.js";
import { openEventStream } from "./sse.js";

export interface ApiContext {
  registry: RunRegistry;
  actions: UiActions;
  sources: UiSources;
  reporter: Reporter;
  feed: RunsFeed;
  pointLimit: number;
  bucket?: BucketRuns;
  store?: BucketStore;
}

const logTailLines = 400;

/**
 * The JSON API and event streams of the dashboard (docs/ui.md). Everything reads the
 * registry; only POST /api/runs/:id/{cancel,resume} writes, through the CLI's core calls.
 */
export async function routeApi(
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
  headers: Record<string, string>,
  ctx: ApiContext,
): Promise<void> {
  const json = (body: unknown, status = 200) => {
    response.writeHead(status, { ...headers, "content-type": "application/json; charset=utf-8" });
    response.end(JSON.stringify(body));
  };
  const parts = url.pathname.split("/").filter(Boolean).map(decodeURIComponent);
  const [, resource, id, what] = parts;
  const method = request.method ?? "GET";

  if (method === "POST") {
    if (resource !== "runs" || !id || !what || !isActionName(what) || parts.length !== 4)
      return json({ error: "no such action" }, 404);
    const { run, remote } = await locate(ctx, id);
    if (remote)
      throw new UserError(`run ${run.id} is read from the bucket's mirror: it is read-only here`, {
        code: "ui.remote_run",
        hint: `cancel or resume it from the workspace that started it (tunectl ${what} ${run.id})`,
      });
    uiAction.emit(ctx.reporter, `${what} ${run.id} (from the dashboard)`, {
      run: run.id,
      action: what,
    });
    try {
      const after = await ctx.actions[what](run.id);
      return json({ run: after.id, state: after.state, attempt: after.attempts.at(-1)?.n ?? 0 });
    } catch (error) {
      uiActionFailed.emit(ctx.reporter, `${what} ${run.id} failed: ${(error as Error).message}`, {
        run: run.id,
        action: what,
        error: (error as Error).message,
      });
      throw error;
    }
  }
  if (method !== "GET") return json({ error: "method not allowed" }, 405);

  if (url.pathname === "/report") {
    const report = await compareRuns(ctx.registry, runList(url));
    response.writeHead(200, { ...headers, "content-type": "text/html; charset=utf-8" });
    response.end(renderHtmlReport(report));
    return;
  }
  if (resource === "events" && parts.length === 2) {
    const stream = openEventStream(response);
    stream.send("rows", { runs: ctx.feed.snapshot() });
    const unsubscribe = ctx.feed.subscribe((changed, removed) =>
      stream.send("changed", { runs: changed, removed }),
    );
    stream.closed.addEventListener("abort", unsubscribe, { once: true });
    return;
  }
  if (resource === "runs" && parts.length === 2) {
    await ctx.feed.poll();
    return json({ runs: ctx.feed.snapshot() });
  }
  if (resource === "gpus" && parts.length === 2) return json({ gpus: await ctx.sources.gpus() });
  if (resource === "sweeps" && parts.length === 2)
    return json({ sweeps: await ctx.sources.sweeps() });
  if (resource === "compare" && parts.length === 2) {
    return json(await comparePage(ctx.registry, runList(url), axisOf(url), limitOf(url, ctx)));
  }
  if (resource === "runs" && id) {
    const { run, registry, remote } = await locate(ctx, id);
    const paths = registry.paths(run.id);
    if (what === undefined)
      return json({ ...(await runPage(registry, run.id, ctx.store)), remote });
    if (what === "curves")
      return json(await runCurves(paths.metrics, axisOf(url), limitOf(url, ctx)));
    if (what === "gpus") {
      // a run from the bucket ran on a host of another workspace's inventory: not probed here
      const host = remote ? null : runGpuHost(run);
      const rows = host
        ? await ctx.sources
            .gpus([host])
            .catch((error: unknown) => [unreachableGpuRow(host, (error as Error).message)])
        : [];
      return json(selectRunGpus(run, rows, remote));
    }
    if (what === "log") {
      const attempt = run.attempts.at(-1)?.n ?? 1;
      const { text, end } = await readLastLines(paths.attemptLog(attempt), logTailLines);
      return json({ attempt, text, end });
    }
    if (what === "events") {
      const stream = openEventStream(response);
      await streamRun(
        registry,
        run.id,
        { metrics: offsetOf(url, "metrics"), log: offsetOf(url, "log") },
        stream,
      );
      return;
    }
  }
  return json({ error: "not found" }, 404);
}

/** A run of the workspace's registry, else (with `--bucket`) one of the bucket's mirror. */
async function locate(
  ctx: ApiContext,
  ref: string,
): Promise<{ run: RunRecord; registry: RunRegistry; remote: boolean }> {
  try {
    return { run: await ctx.registry.resolve(ref), registry: ctx.registry, remote: false };
  } catch (error) {
    if (!ctx.bucket || !isTunectlError(error) || error.code !== "run.not_found") throw error;
    const registry = ctx.bucket.registry;
    return { run: await registry.resolve(ref), registry, remote: true };
  }
}

function runList(url: URL): string[] {
  const runs = (url.searchParams.get("runs") ?? "").split(",").filter(Boolean);
  if (runs.length < 2)
    throw new UserError("compare needs at least two runs", {
      code: "ui.compare_runs",
      hint: "?runs=A,B",
    });
  return runs;
}

function axisOf(url: URL): CurveAxis {
  const axis = url.searchParams.get("axis") ?? "step";
  if (axis === "step" || axis === "time" || axis === "tokens") return axis;
  throw new UserError(`axis must be step, time or tokens, not ${axis}`, { code: "ui.axis" });
}

function limitOf(url: URL, ctx: ApiContext): number {
  const limit = Number(url.searchParams.get("limit") ?? ctx.pointLimit);
  return Number.isInteger(limit) && limit >= 4 ? Math.min(limit, ctx.pointLimit) : ctx.pointLimit;
}

function offsetOf(url: URL, name: string): number {
  const value = Number(url.searchParams.get(name) ?? 0);
  return Number.isInteger(value) && value >= 0 ? value : 0;
}
