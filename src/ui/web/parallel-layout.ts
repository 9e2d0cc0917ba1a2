import type { Leaderboard } from "../../sweep/index.js";

/** One vertical axis of a parallel-coordinates plot: a parameter, or the sweep's metric. */
export interface ParallelAxis {
  name: string;
  kind: "linear" | "log" | "category";
  /** Tick labels from the bottom (0) to the top (1) of the axis. */
  ticks: { at: number; label: string }[];
}

/** One trial as a line: its position 0..1 on each axis, null where it has no value yet. */
export interface ParallelLine {
  trial: string;
  run?: string;
  state: string;
  /** 0 worst .. 1 best of the trials with a metric value; null without one. */
  rank: number | null;
  at: (number | null)[];
}

export interface ParallelLayout {
  axes: ParallelAxis[];
  lines: ParallelLine[];
}

const fmt = (v: number) =>
  Math.abs(v) < 1e-3 && v !== 0 ? v.toExponential(1) : String(+v.toPrecision(3));

/**
 * Lay a sweep's trials out over one axis per parameter that varies (a parameter every trial
 * has the same value of says nothing about the metric) and a last one for the metric, the best
 * value at the top. Numbers are linear, or logarithmic when all positive and spanning 100x
 * (learning rates); anything else is a category, one evenly spaced slot per distinct value.
 */
export function parallelLayout(sweep: Leaderboard): ParallelLayout {
  const key = (v: unknown) => JSON.stringify(v ?? null);
  const params = [...new Set(sweep.trials.flatMap((t) => Object.keys(t.params)))].filter(
    (p) => sweep.trials.length < 2 || new Set(sweep.trials.map((t) => key(t.params[p]))).size > 1,
  );
  const columns = params.map((p) => sweep.trials.map((t) => t.params[p]));
  const scales = columns.map((values, i) => scaleOf(params[i]!, values));
  const metric = sweep.trials.map((t) => t.best);
  const metricScale = scaleOf(sweep.metric.name, metric, sweep.metric.goal === "minimize");
  const axes = [...scales, metricScale].map((s) => s.axis);
  const lines = sweep.trials.map((t, row): ParallelLine => {
    const at = [...scales.map((s, i) => s.place(columns[i]![row])), metricScale.place(t.best)];
    return {
      trial: t.trial,
      ...(t.run ? { run: t.run } : {}),
      state: t.state,
      rank: at.at(-1) ?? null,
      at,
    };
  });
  return { axes, lines };
}

interface Scale {
  axis: ParallelAxis;
  place(value: unknown): number | null;
}

function scaleOf(name: string, values: unknown[], flip = false): Scale {
  const present = values.filter((v) => v !== null && v !== undefined);
  const numbers = present.filter((v): v is number => typeof v === "number" && Number.isFinite(v));
  if (present.length === 0 || numbers.length === present.length) {
    const lo = Math.min(...numbers);
    const hi = Math.max(...numbers);
    const log = lo > 0 && hi / lo >= 100;
    const f = log ? Math.log10 : (v: number) => v;
    const span = f(hi) - f(lo);
    const unit = (v: number) => (span > 0 ? (f(v) - f(lo)) / span : 0.5);
    const pos = (v: number) => (flip ? 1 - unit(v) : unit(v));
    const ticks =
      numbers.length === 0
        ? []
        : lo === hi
          ? [{ at: 0.5, label: fmt(lo) }]
          : [lo, hi].map((v) => ({ at: pos(v), label: fmt(v) }));
    return {
      axis: { name, kind: log ? "log" : "linear", ticks },
      place: (v) => (typeof v === "number" && Number.isFinite(v) ? pos(v) : null),
    };
  }
  const labels = [
    ...new Set(present.map((v) => (typeof v === "object" ? JSON.stringify(v) : String(v)))),
  ];
  const slot = (label: string) =>
    labels.length === 1 ? 0.5 : labels.indexOf(label) / (labels.length - 1);
  const key = (v: unknown) => (typeof v === "object" ? JSON.stringify(v) : String(v));
  return {
    axis: { name, kind: "category", ticks: labels.map((label) => ({ at: slot(label), label })) },
    place: (v) => (v === null || v === undefined ? null : slot(key(v))),
  };
}
