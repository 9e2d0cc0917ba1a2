import { RunEndedError } from "../errors/index.js";
import type { MetricLine, RunRecord } from "../runs/index.js";
import type { CommandContext } from "./app.js";

/**
 * Follow a run in the terminal until it ends (shared by `run` and `attach`): trainer log lines
 * and one line per logged step go to stderr; --json writes each metric as a JSON line on
 * stdout. Returns 0 for succeeded; a failed, cancelled or lost run is exit 4.
 */
export async function followInTerminal(ctx: CommandContext, runId: string): Promise<number> {
  const { followRun } = await import("../launch/index.js");
  const deps = await ctx.launchDeps();
  const json = ctx.globals.json;
  const final: RunRecord = await followRun(deps, runId, {
    signal: ctx.interrupted,
    onMetric(line: MetricLine) {
      if (json) {
        ctx.io.out(JSON.stringify({ type: "metric", run: runId, ...line }));
        return;
      }
      ctx.io.emit({ level: "info", code: "run.metric", message: describeMetric(line) });
    },
    onLog(bytes) {
      if (json || ctx.globals.quiet) return;
      process.stderr.write(bytes);
    },
    onRecord(run) {
      if (json) ctx.io.out(JSON.stringify({ type: "state", run: run.id, state: run.state }));
    },
  });
  if (json) ctx.io.out(JSON.stringify({ type: "result", run: final.id, state: final.state }));
  if (final.state === "succeeded") {
    ctx.io.emit({ level: "info", code: "run.succeeded", message: `run ${final.id} succeeded` });
    return 0;
  }
  const error = final.attempts.at(-1)?.error;
  throw new RunEndedError(
    `run ${final.id} ended ${final.state}${error ? `: ${error.message}` : ""}`,
    {
      code: `run.${final.state}`,
      hint:
        final.state === "cancelled" || final.state === "failed" || final.state === "lost"
          ? `continue it with: tunectl resume ${final.id}`
          : undefined,
    },
  );
}

function describeMetric(line: MetricLine): string {
  const parts = [`step ${line.step}${line.total_steps ? `/${line.total_steps}` : ""}`];
  if (line.kind === "eval") parts.push(`eval_loss ${fmt(line.eval_loss)}`);
  else if (line.kind === "summary") parts.push("summary");
  else {
    parts.push(`loss ${fmt(line.loss)}`);
    if (line.lr !== undefined) parts.push(`lr ${line.lr.toExponential(2)}`);
    if (line.tokens_per_s !== undefined) parts.push(`${Math.round(line.tokens_per_s)} tok/s`);
  }
  return parts.join("  ");
}

const fmt = (value: number | undefined) => (value === undefined ? "-" : value.toFixed(4));
