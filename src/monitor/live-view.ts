import type { MetricLine } from "../runs/index.js";

/** What the live view shows; built from metric lines by applyMetric, rendered by the functions below. */
export interface LiveState {
  runId: string;
  host?: string;
  gpus: number[];
  /** The attempt's start (ms since epoch), for elapsed time. */
  startedAtMs?: number;
  step: number;
  totalSteps?: number;
  /** The latest train step's own loss. */
  loss?: number;
  /** The train loss smoothed with an EMA of weight `emaWeight`. */
  emaLoss?: number;
  evalLoss?: number;
  lr?: number;
  tokensPerS?: number;
  /** First and latest train line seen (step, host time in s), for the step rate. */
  first?: { step: number; ts: number };
  last?: { step: number; ts: number };
  /** Seconds the host has been unreachable, when it is. */
  unreachableFor?: number;
}

export const emaWeight = 0.1;

export function applyMetric(state: LiveState, line: MetricLine): LiveState {
  const next: LiveState = { ...state };
  if (typeof line.total_steps === "number") next.totalSteps = line.total_steps;
  if (typeof line.eval_loss === "number") next.evalLoss = line.eval_loss;
  if (line.kind !== "train") return next;
  const ts = typeof line.ts === "number" ? line.ts : Date.parse(String(line.ts)) / 1000;
  next.step = line.step;
  if (typeof line.lr === "number") next.lr = line.lr;
  if (typeof line.tokens_per_s === "number") next.tokensPerS = line.tokens_per_s;
  if (typeof line.loss === "number") {
    next.loss = line.loss;
    next.emaLoss =
      state.emaLoss === undefined
        ? line.loss
        : emaWeight * line.loss + (1 - emaWeight) * state.emaLoss;
  }
  if (Number.isFinite(ts)) {
    // a resumed attempt steps back: measure the rate from there
    if (!state.first || line.step <= (state.last?.step ?? 0)) next.first = { step: line.step, ts };
    next.last = { step: line.step, ts };
  }
  return next;
}

/** Seconds until the last step, from the observed step rate; undefined until it is known. */
export function etaSeconds(state: LiveState): number | undefined {
  const { first, last, totalSteps } = state;
  if (!first || !last || totalSteps === undefined || last.step <= first.step) return undefined;
  const rate = (last.step - first.step) / (last.ts - first.ts);
  if (!(rate > 0)) return undefined;
  return Math.max(0, (totalSteps - last.step) / rate);
}

export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

const fmtLoss = (value: number | undefined) => (value === undefined ? "-" : value.toFixed(4));
const fmtLr = (value: number | undefined) => (value === undefined ? "-" : value.toExponential(2));
const fmtRate = (value: number | undefined) =>
  value === undefined ? "-" : value >= 1000 ? `${(value / 1000).toFixed(1)}k` : value.toFixed(0);

function fields(state: LiveState, nowMs: number): string[] {
  const eta = etaSeconds(state);
  // Each number says what it is: the step's own loss, then the smoothed one, labelled.
  const parts = [
    `loss ${fmtLoss(state.loss)}${state.emaLoss === undefined ? "" : ` (ema ${fmtLoss(state.emaLoss)})`}`,
    ...(state.evalLoss === undefined ? [] : [`eval_loss ${fmtLoss(state.evalLoss)}`]),
    `lr ${fmtLr(state.lr)}`,
    `${fmtRate(state.tokensPerS)} tok/s`,
  ];
  if (state.startedAtMs !== undefined) {
    parts.push(`elapsed ${formatDuration(Math.max(0, nowMs - state.startedAtMs) / 1000)}`);
  }
  if (eta !== undefined) parts.push(`eta ${formatDuration(eta)}`);
  const where = state.host
    ? `${state.host}${state.gpus.length ? ` gpu ${state.gpus.join(",")}` : ""}`
    : undefined;
  if (where) parts.push(where);
  // first, so a narrow terminal still shows it
  if (state.unreachableFor !== undefined) {
    parts.unshift(
      `(${state.host ?? "host"} unreachable for ${Math.round(state.unreachableFor)} s, retrying)`,
    );
  }
  return parts;
}

/** The TTY line, rewritten in place by the caller: a bar, step/total, then the fields, cut to `width`. */
export function renderProgressLine(state: LiveState, nowMs: number, width = 100): string {
  const total = state.totalSteps;
  const ratio = total ? Math.min(1, state.step / total) : 0;
  const barWidth = 20;
  const filled = Math.round(ratio * barWidth);
  const bar = `[${"#".repeat(filled)}${"-".repeat(barWidth - filled)}]`;
  const count =
    `${state.step}/${total ?? "?"} ${total ? `${Math.floor(ratio * 100)}%` : ""}`.trim();
  const line = [bar, count, ...fields(state, nowMs)].join(" ");
  return line.length > width ? `${line.slice(0, Math.max(0, width - 1))}…` : line;
}

/** One line per logged step (not a TTY): train lines and eval lines, nothing else. */
export function renderStepLine(state: LiveState, line: MetricLine, nowMs: number): string | null {
  if (line.kind === "eval") {
    return `eval step ${line.step}${state.totalSteps ? `/${state.totalSteps}` : ""} eval_loss ${fmtLoss(
      typeof line.eval_loss === "number" ? line.eval_loss : undefined,
    )}`;
  }
  if (line.kind !== "train") return null;
  return [`step ${state.step}/${state.totalSteps ?? "?"}`, ...fields(state, nowMs)].join(" ");
}
