import { domainOf, valueAt } from "./axis-scale.js";
import type { SeriesPoint } from "./comparison-report.js";
import { cell } from "./terminal-table.js";
import { formatCount, formatNumber } from "./value-format.js";

export interface ChartCurve {
  label: string;
  points: SeriesPoint[];
}

export interface TerminalChartOptions {
  title: string;
  xLabel: string;
  /** Total width in columns, axis labels included. */
  width?: number;
  height?: number;
  color?: boolean;
}

/** Distinct without colour, so NO_COLOR and pipes still tell runs apart. */
const symbols = ["*", "+", "o", "x", "#", "%", "@", "="];
const colors = ["36", "33", "35", "32", "34", "31"];

/** Overlaid curves on a character grid: y labels left, x range below, legend last. */
export function renderTerminalChart(curves: ChartCurve[], options: TerminalChartOptions): string {
  const domain = domainOf(curves.map((curve) => curve.points));
  if (!domain) return `${options.title}: no data yet`;
  const labelWidth = Math.max(
    ...[domain.y.max, domain.y.min].map((v) => formatNumber(v, 3).length),
  );
  const width = Math.max(20, (options.width ?? 80) - labelWidth - 2);
  const height = Math.max(4, options.height ?? 14);
  const grid: Array<Array<{ ch: string; run: number } | undefined>> = Array.from(
    { length: height },
    () => new Array(width).fill(undefined),
  );
  curves.forEach((curve, run) => {
    const mark = { ch: symbols[run % symbols.length]!, run };
    let previous: number | undefined;
    for (let column = 0; column < width; column++) {
      const x = domain.x.min + ((domain.x.max - domain.x.min) * column) / (width - 1);
      const y = valueAt(curve.points, x);
      if (y === undefined) {
        previous = undefined;
        continue;
      }
      const row = Math.round(((domain.y.max - y) / (domain.y.max - domain.y.min)) * (height - 1));
      // a steep drop between two columns is drawn as a vertical run, so the curve stays connected
      const from = previous === undefined ? row : previous + Math.sign(row - previous);
      for (let r = Math.min(from, row); r <= Math.max(from, row); r++) grid[r]![column] = mark;
      previous = row;
    }
  });
  const paint = (text: string, run: number) =>
    options.color ? `\x1b[${colors[run % colors.length]}m${text}\x1b[0m` : text;
  const yLabel = (row: number) => {
    if (row === 0) return formatNumber(domain.y.max, 3);
    if (row === height - 1) return formatNumber(domain.y.min, 3);
    return "";
  };
  const lines = [options.title];
  grid.forEach((row, index) => {
    const body = row.map((mark) => (mark ? paint(mark.ch, mark.run) : " ")).join("");
    lines.push(`${yLabel(index).padStart(labelWidth)} │${body}`.trimEnd());
  });
  lines.push(`${" ".repeat(labelWidth)} └${"─".repeat(width)}`);
  const left = formatCount(domain.x.min);
  const right = `${formatCount(domain.x.max)} ${options.xLabel}`;
  lines.push(
    `${" ".repeat(labelWidth + 2)}${left}${right.padStart(Math.max(1, width - left.length))}`,
  );
  lines.push(
    curves
      .map((curve, run) => `${paint(symbols[run % symbols.length]!, run)} ${cell(curve.label)}`)
      .join("   "),
  );
  return lines.join("\n");
}
