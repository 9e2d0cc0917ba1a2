import { svg } from "./dom.js";
import { num } from "./format.js";

export type Point = [number, number];

export interface Curve {
  label: string;
  /** Colour slot c0..c3. */
  slot: number;
  points: Point[];
}

export interface ChartData {
  curves: Curve[];
  /** Vertical marks (attempt boundaries). */
  marks: { x: number; label: string }[];
}

const W = 560;
const H = 240;
const M = { left: 56, right: 12, top: 10, bottom: 28 };

/**
 * A line chart as SVG, redrawn from its data; drag across it to zoom the x axis, double-click
 * (or Escape while focused) to zoom out. `data-points` and `data-last-x` say what is drawn.
 */
export class LineChart {
  readonly element: SVGSVGElement;
  private data: ChartData = { curves: [], marks: [] };
  private zoom: [number, number] | null = null;
  private pending = false;

  constructor(label: string) {
    this.element = svg("svg", {
      class: "chart",
      viewBox: `0 0 ${W} ${H}`,
      role: "img",
      "aria-label": label,
      tabindex: 0,
    }) as SVGSVGElement;
    let dragFrom: number | null = null;
    this.element.addEventListener("pointerdown", (e) => (dragFrom = this.dataX(e)));
    this.element.addEventListener("pointerup", (e) => {
      const to = this.dataX(e);
      if (dragFrom !== null && to !== null && Math.abs(to - dragFrom) > 0) {
        this.zoom = [Math.min(dragFrom, to), Math.max(dragFrom, to)];
        this.draw();
      }
      dragFrom = null;
    });
    this.element.addEventListener("dblclick", () => this.resetZoom());
    this.element.addEventListener("keydown", (e) => {
      if (e.key === "Escape") this.resetZoom();
    });
  }

  set(data: ChartData): void {
    this.data = data;
    this.schedule();
  }

  /** Redraw at the next frame at most once, however many updates arrive. */
  schedule(): void {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      this.draw();
    });
  }

  private resetZoom(): void {
    this.zoom = null;
    this.draw();
  }

  private domain() {
    let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
    for (const curve of this.data.curves)
      for (const [x, y] of curve.points) {
        if (this.zoom && (x < this.zoom[0] || x > this.zoom[1])) continue;
        x0 = Math.min(x0, x);
        x1 = Math.max(x1, x);
        y0 = Math.min(y0, y);
        y1 = Math.max(y1, y);
      }
    if (this.zoom) [x0, x1] = this.zoom;
    if (!Number.isFinite(x0) || !Number.isFinite(y0)) return null;
    if (x1 === x0) x1 = x0 + 1;
    const pad = (y1 - y0) * 0.05 || Math.abs(y0) * 0.05 || 1;
    return { x0, x1, y0: y0 - pad, y1: y1 + pad };
  }

  private dataX(e: PointerEvent): number | null {
    const d = this.domain();
    const box = this.element.getBoundingClientRect();
    if (!d || box.width === 0) return null;
    const px = ((e.clientX - box.left) / box.width) * W;
    return d.x0 + ((px - M.left) / (W - M.left - M.right)) * (d.x1 - d.x0);
  }

  private draw(): void {
    const root = this.element;
    root.replaceChildren();
    const d = this.domain();
    const points = this.data.curves.reduce((n, c) => n + c.points.length, 0);
    root.dataset.points = String(points);
    const last = this.data.curves.map((c) => c.points.at(-1)?.[0] ?? -Infinity);
    root.dataset.lastX = String(Math.max(...last, -Infinity));
    if (!d) {
      const t = svg("text", { x: W / 2, y: H / 2, "text-anchor": "middle" });
      t.textContent = "no data yet";
      root.append(t);
      return;
    }
    const pw = W - M.left - M.right;
    const ph = H - M.top - M.bottom;
    const sx = (x: number) => M.left + ((x - d.x0) / (d.x1 - d.x0)) * pw;
    const sy = (y: number) => M.top + ph - ((y - d.y0) / (d.y1 - d.y0)) * ph;
    for (let i = 0; i <= 4; i++) {
      const y = d.y0 + ((d.y1 - d.y0) * i) / 4;
      root.append(
        svg("line", { class: "grid", x1: M.left, x2: W - M.right, y1: sy(y), y2: sy(y) }),
      );
      const t = svg("text", { x: M.left - 4, y: sy(y) + 4, "text-anchor": "end" });
      t.textContent = num(y, 3);
      root.append(t);
      const x = d.x0 + ((d.x1 - d.x0) * i) / 4;
      const tx = svg("text", { x: sx(x), y: H - 8, "text-anchor": "middle" });
      tx.textContent = num(x, 1);
      root.append(tx);
    }
    for (const mark of this.data.marks) {
      if (mark.x < d.x0 || mark.x > d.x1) continue;
      root.append(
        svg("line", {
          class: "attempt",
          x1: sx(mark.x),
          x2: sx(mark.x),
          y1: M.top,
          y2: M.top + ph,
        }),
      );
      const t = svg("text", { x: sx(mark.x) + 3, y: M.top + 10 });
      t.textContent = mark.label;
      root.append(t);
    }
    for (const curve of this.data.curves) {
      const shown = curve.points.filter(([x]) => x >= d.x0 && x <= d.x1);
      if (shown.length === 0) continue;
      const path = shown
        .map(([x, y], i) => `${i === 0 ? "M" : "L"}${sx(x).toFixed(1)},${sy(y).toFixed(1)}`)
        .join("");
      const p = svg("path", { class: `curve c${curve.slot % 4}`, d: path });
      p.setAttribute("data-label", curve.label);
      root.append(p);
      if (shown.length === 1)
        root.append(
          svg("circle", {
            class: `c${curve.slot % 4}`,
            cx: sx(shown[0]![0]),
            cy: sy(shown[0]![1]),
            r: 2.5,
            fill: "currentColor",
          }),
        );
    }
  }
}
