import { DomUtils, parseDocument } from "htmlparser2";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  addRun,
  evalLine,
  tempRegistry,
  tinyConfig,
  trainLines,
} from "../../test/compare/fixture-runs.js";
import type { RunRegistry } from "../runs/index.js";
import { compareRuns } from "./compare-runs.js";
import { renderHtmlReport } from "./html-report.js";

let registry: RunRegistry;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  ({ registry, cleanup } = await tempRegistry());
});
afterEach(() => cleanup());

const hostile = `<img src=x onerror="alert(1)"></td></table><script>alert('x')</script>`;

async function twoRuns(description?: string) {
  const lines = (scale: number) => [
    ...trainLines(1, 30, { loss: (s) => scale * (1 + 2 / s) }),
    evalLine(10, scale * 1.6),
    evalLine(20, scale * 1.4),
    evalLine(30, scale * 1.3),
  ];
  const a = await addRun(registry, { config: tinyConfig(), lines: lines(1), description });
  const b = await addRun(registry, {
    config: tinyConfig({ learning_rate: 1e-4, description }),
    lines: lines(1.1),
  });
  return { a, b, report: await compareRuns(registry, [a.id, b.id], { metric: "grad_norm" }) };
}

describe("HTML report", () => {
  it("has one curve per run in each chart: train loss, eval loss, learning rate, --metric", async () => {
    const { a, b, report } = await twoRuns();
    const dom = parseDocument(renderHtmlReport(report));
    const figures = DomUtils.findAll((el) => el.name === "figure", dom.children);
    expect(figures.map((f) => f.attribs["data-metric"])).toEqual([
      "loss",
      "eval_loss",
      "lr",
      "grad_norm",
    ]);
    for (const figure of figures) {
      const curves = DomUtils.findAll(
        (el) => (el.name === "path" || el.name === "polyline") && "data-run" in el.attribs,
        figure.children,
      );
      expect(curves.map((c) => c.attribs["data-run"])).toEqual([a.id, b.id]);
      for (const curve of curves)
        expect(curve.attribs.d).toMatch(/^M[\d.]+,[\d.]+(L[\d.]+,[\d.]+)+$/);
      const ticks = DomUtils.findAll((el) => el.attribs.class === "tick", figure.children);
      expect(ticks.length).toBeGreaterThanOrEqual(4);
    }
  });

  it("is self-contained: no scripts, no external links, a policy that loads nothing", async () => {
    const { report } = await twoRuns();
    const html = renderHtmlReport(report);
    const dom = parseDocument(html);
    expect(DomUtils.findAll((el) => el.name === "script", dom.children)).toHaveLength(0);
    expect(DomUtils.findAll((el) => el.name === "link", dom.children)).toHaveLength(0);
    expect(html).not.toMatch(/<script|https?:|\/\/[a-z]|@import|url\(/i);
    expect(html).toContain("prefers-color-scheme: dark");
    const csp = DomUtils.findOne(
      (el) => el.name === "meta" && el.attribs["http-equiv"] === "Content-Security-Policy",
      dom.children,
    );
    expect(csp?.attribs.content).toContain("default-src 'none'");
  });

  it("escapes hostile run descriptions and config values", async () => {
    const { report } = await twoRuns(hostile);
    const html = renderHtmlReport(report);
    const dom = parseDocument(html);
    expect(
      DomUtils.findAll((el) => ["script", "img"].includes(el.name), dom.children),
    ).toHaveLength(0);
    expect(html).not.toContain("<img");
    // the text reads back exactly as written, in the runs table and in the config diff
    const cells = DomUtils.findAll((el) => el.name === "td", dom.children).map((td) =>
      DomUtils.textContent(td),
    );
    expect(cells.filter((text) => text === hostile).length).toBeGreaterThanOrEqual(2);
  });

  it("a run without eval lines is listed as having no data and draws no curve there", async () => {
    const a = await addRun(registry, { config: tinyConfig(), lines: trainLines(1, 5) });
    const b = await addRun(registry, { config: tinyConfig(), lines: trainLines(1, 8) });
    const dom = parseDocument(renderHtmlReport(await compareRuns(registry, [a.id, b.id])));
    const evalFigure = DomUtils.findOne(
      (el) => el.name === "figure" && el.attribs["data-metric"] === "eval_loss",
      dom.children,
    )!;
    expect(DomUtils.findAll((el) => el.name === "path", evalFigure.children)).toHaveLength(0);
    expect(DomUtils.textContent(evalFigure)).toContain("(no data)");
  });
});
