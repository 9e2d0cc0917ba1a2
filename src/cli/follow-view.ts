import { RunEndedError } from "../errors/index.js";
import type { LiveState } from "../monitor/index.js";
import type { MetricLine, RunRecord } from "../runs/index.js";
import type { CommandContext } from "./app.js";

/**
 * Follow a run in the terminal until it ends (shared by `run`, `attach` and `resume`).
 * On a TTY: the trainer's log scrolls above a progress line redrawn in place. Otherwise one
 * plain line per logged step (the log stays in `tunectl logs`; -v shows it too). --json
 * writes metric, state and result events as JSON lines on stdout. Exit 0 for succeeded; a
 * failed, cancelled or lost run is exit 4, with the tail of its log.
 */
export async function followInTerminal(ctx: CommandContext, runId: string): Promise<number> {
  const { followRun } = await import("../launch/index.js");
  const { applyMetric, readLastLines, renderProgressLine, renderStepLine } =
    await import("../monitor/index.js");
  const deps = await ctx.launchDeps();
  const json = ctx.globals.json;
  const tty = ctx.io.isTTY && !json;
  const run = await deps.registry.get(runId);
  ctx.io.logToFile(`${deps.registry.paths(runId).logs}/tunectl.log`);
  let state: LiveState = liveStateOf(run);
  let barShown = false;
  const clearBar = () => {
    if (barShown) process.stderr.write("\r\x1b[K");
    barShown = false;
  };
  const drawBar = () => {
    if (!tty) return;
    process.stderr.write(
      `\r\x1b[K${renderProgressLine(state, Date.now(), process.stderr.columns ?? 100)}`,
    );
    barShown = true;
  };
  const ticker = tty ? setInterval(drawBar, 1000) : undefined;
  let final: RunRecord;
  try {
    final = await followRun(deps, runId, {
      signal: ctx.interrupted,
      onMetric(line: MetricLine) {
        state = applyMetric(state, line);
        if (json) ctx.io.out(JSON.stringify({ type: "metric", run: runId, ...line }));
        else if (tty) drawBar();
        else {
          const text = renderStepLine(state, line, Date.now());
          if (text) ctx.io.emit({ level: "info", code: "run.metric", message: text });
        }
      },
      onLog(bytes) {
        if (json || ctx.globals.quiet || (!tty && !ctx.globals.verbose)) return;
        clearBar();
        process.stderr.write(bytes);
        drawBar();
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
    clearBar();
  }
  if (json) ctx.io.out(JSON.stringify({ type: "result", run: final.id, state: final.state }));
  if (final.state === "succeeded") {
    ctx.io.emit({ level: "info", code: "run.succeeded", message: `run ${final.id} succeeded` });
    return 0;
  }
  const attempt = final.attempts.at(-1)!;
  if (!json && final.state === "failed") {
    const { text: tail } = await readLastLines(
      deps.registry.paths(final.id).attemptLog(attempt.n),
      20,
    ).catch(() => ({ text: "" }));
    if (tail)
      process.stderr.write(
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
