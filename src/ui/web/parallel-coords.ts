import type { Leaderboard } from "../../sweep/index.js";
import { svg } from "./dom.js";
import { parallelLayout } from "./parallel-layout.js";

const H = 260;
const M = { left: 70, right: 60, top: 34, bottom: 24 };
const minWidth = 720;
const minGap = 120;

/**
 * A sweep's trials as parallel coordinates: one axis per parameter and the metric last (best
 * at the top), one polyline per trial, darker the better it did; a trial without a value yet
 * stops at its last parameter, dashed. Hovering a line names the trial.
 */
export function parallelCoordinates(sweep: Leaderboard): SVGSVGElement {
  const { axes, lines } = parallelLayout(sweep);
  const spans = Math.max(1, axes.length - 1);
  const width = Math.max(minWidth, M.left + M.right + minGap * spans);
  const gap = (width - M.left - M.right) / spans;
  const root = svg("svg", {
    class: "parallel",
    viewBox: `0 0 ${width} ${H}`,
    role: "img",
    "aria-label": `${sweep.name}: parameters against ${sweep.metric.name}`,
    "data-lines": lines.length,
    "data-axes": axes.map((a) => a.name).join(" "),
  }) as SVGSVGElement;
  const x = (i: number) => M.left + i * gap;
  const y = (at: number) => M.top + (1 - at) * (H - M.top - M.bottom);
  axes.forEach((axis, i) => {
    // a little longer than the values, so a line at an end does not hide in a box's edge
    root.append(svg("line", { class: "axis", x1: x(i), x2: x(i), y1: y(-0.04), y2: y(1.04) }));
    const title = svg("text", { class: "axis-title", x: x(i), y: 14, "text-anchor": "middle" });
    // `train.learning_rate` reads as `learning_rate`; the full name is the tooltip
    const short = axis.name.split(".").at(-1) ?? axis.name;
    title.textContent = axis.kind === "log" ? `${short} (log)` : short;
    const full = svg("title");
    full.textContent = axis.name;
    title.append(full);
    root.append(title);
    for (const tick of axis.ticks) {
      const label = svg("text", { class: "tick", x: x(i) + 5, y: y(tick.at) + 4 });
      label.textContent = tick.label;
      root.append(label);
    }
  });
  // the best last, so it is drawn on top
  const order = [...lines].sort((a, b) => (a.rank ?? -1) - (b.rank ?? -1));
  for (const line of order) {
    const points = line.at
      .map((at, i) => (at === null ? null : `${x(i)},${y(at)}`))
      .filter((p) => p !== null);
    const done = line.rank !== null;
    const poly = svg("polyline", {
      class: `trial${done ? "" : " pending"}`,
      points: points.join(" "),
      "data-trial": line.trial,
      style: done ? `stroke-opacity: ${(0.3 + 0.7 * line.rank!).toFixed(2)}` : "",
    });
    const tip = svg("title");
    tip.textContent = `${line.trial} (${line.state})${line.run ? ` · ${line.run}` : ""}`;
    poly.append(tip);
    root.append(poly);
  }
  return root;
}
