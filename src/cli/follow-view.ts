import { RunEndedError } from "../errors/index.js";
import type { LiveState } from "../monitor/index.js";
import type { ReportEvent } from "../report/index.js";
import type { MetricLine, RunRecord } from "../runs/index.js";
import type { CommandContext } from "./app.js";
import { runData, runMetric, runSucceeded } from "./events.js";

/**
 * Follow a run in the terminal until it ends (shared by `run`, `attach` and `resume`).
 * On a live terminal: the trainer's log scrolls above a status line redrawn in place (the
 * io's one writer keeps the two apart). Otherwise one `run.metric` line per logged step (the
 * log stays in `tunectl logs`; -v shows it too). --json writes metric, state and result
 * objects as JSON lines on stdout. Exit 0 for succeeded; a failed, cancelled or lost run is
 * exit 4, with the tail of its log.
 */
export async function followInTerminal(ctx: CommandContext, runId: string): Promise<number> {
  const { followRun, monitorReconnected, monitorUnreachable } = await loadCore();
  const { applyMetric, readLastLines, renderDataLine, renderProgressLine, renderStepLine } =
    await import("../monitor/index.js");
  const deps = await ctx.launchDeps();
  const json = ctx.globals.json;
  const live = ctx.io.isTTY && !json;
  const run = await deps.registry.get(runId);
  ctx.io.logToFile(`${deps.registry.paths(runId).logs}/tunectl.log`);
  let state: LiveState = liveStateOf(run);
  const draw = () => {
    if (live && !ctx.globals.quiet)
      ctx.io.status(renderProgressLine(state, Date.now(), ctx.io.width - 1));
  };
  // The status line shows an unreachable host while the streams retry.
  const reporter = {
    emit(event: ReportEvent) {
      if (monitorUnreachable.is(event)) state = { ...state, unreachableFor: event.data.seconds };
      if (monitorReconnected.is(event)) {
        const { unreachableFor: _gone, ...rest } = state;
        state = rest;
      }
      ctx.io.emit(event);
      if (monitorUnreachable.is(event) || monitorReconnected.is(event)) draw();
    },
  };
  const ticker = live ? setInterval(draw, 1000) : undefined;
  let final: RunRecord;
  try {
    final = await followRun({ ...deps, reporter }, runId, {
      signal: ctx.interrupted,
      onMetric(line: MetricLine) {
        state = applyMetric(state, line);
        const data = json ? null : renderDataLine(line);
        if (json) ctx.io.out(JSON.stringify({ type: "metric", run: runId, ...line }));
        else if (data) runData.emit(ctx.io, data, dataPayload(runId, line));
        else if (live) draw();
        else {
          const text = renderStepLine(state, line, Date.now());
          if (text) runMetric.emit(ctx.io, text, metricPayload(runId, state, line));
        }
      },
      onLog(bytes) {
        if (json || ctx.globals.quiet || (!live && !ctx.globals.verbose)) return;
        ctx.io.passthrough(bytes);
      },
      onRecord(record) {
        state = { ...liveStateOf(record), ...pickProgress(state) };
        if (json)
          ctx.io.out(
            JSON.stringify({
              type: "state",
              run: record.id,
              state: record.state,
              attempt: record.attempts.length,
            }),
          );
      },
    });
  } finally {
    if (ticker) clearInterval(ticker);
    ctx.io.status(null);
  }
  if (json) ctx.io.out(JSON.stringify({ type: "result", run: final.id, state: final.state }));
  if (final.state === "succeeded") {
    runSucceeded.emit(ctx.io, `run ${final.id} succeeded`, { run: final.id });
    return 0;
  }
  const attempt = final.attempts.at(-1)!;
  if (!json && final.state === "failed") {
    const { text: tail } = await readLastLines(
      deps.registry.paths(final.id).attemptLog(attempt.n),
      20,
    ).catch(() => ({ text: "" }));
    if (tail)
      ctx.io.passthrough(
        `--- last lines of the trainer's log (attempt ${attempt.n}) ---\n${tail}\n`,
      );
  }
  throw new RunEndedError(
    `run ${final.id} ended ${final.state}${attempt.error ? `: ${attempt.error.message}` : ""}`,
    {
      code: `run.${final.state}`,
      hint: `continue it with: tunectl resume ${final.id}`,
    },
  );
}

async function loadCore() {
  const { followRun } = await import("../launch/index.js");
  const { monitorReconnected, monitorUnreachable } = await import("../monitor/index.js");
  return { followRun, monitorReconnected, monitorUnreachable };
}

function metricPayload(runId: string, state: LiveState, line: MetricLine) {
  return {
    run: runId,
    step: line.step,
    ...(state.totalSteps === undefined ? {} : { total_steps: state.totalSteps }),
    ...(line.kind === "train" && state.loss !== undefined ? { loss: state.loss } : {}),
    ...(line.kind === "train" && state.emaLoss !== undefined ? { ema_loss: state.emaLoss } : {}),
    ...(typeof line.eval_loss === "number" ? { eval_loss: line.eval_loss } : {}),
  };
}

function dataPayload(runId: string, line: MetricLine) {
  const counts: Record<string, number> = {};
  for (const key of ["records", "truncated", "dropped", "tokens", "max_seq_len"] as const) {
    const value = line[key];
    if (typeof value === "number") counts[key] = value;
  }
  return { run: runId, attempt: line.attempt, split: String(line.split ?? ""), ...counts };
}

function liveStateOf(run: RunRecord): LiveState {
  const attempt = run.attempts.at(-1);
  return {
    runId: run.id,
    ...(attempt?.host ? { host: attempt.host } : {}),
    gpus: attempt?.gpus ?? [],
    ...(attempt?.started_at ? { startedAtMs: Date.parse(attempt.started_at) } : {}),
    step: 0,
  };
}

function pickProgress(state: LiveState): Partial<LiveState> {
  const { runId: _run, host: _host, gpus: _gpus, startedAtMs: _started, ...progress } = state;
  return progress;
}
