// The HTML report as a reader sees it: opened offline in headless Chromium, in light and dark.
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compareRuns, renderHtmlReport } from "../../src/compare/index.js";
import { addRun, evalLine, tempRegistry, tinyConfig, trainLines } from "./fixture-runs.js";

// These run inside the page, where the DOM exists; the project compiles without lib "dom".
declare const document: { body: unknown };
declare function getComputedStyle(element: unknown): { stroke: string; backgroundColor: string };

const executablePath = "/usr/bin/chromium";
const shotsDir = path.resolve("test-results/compare");
const hostile = `<img src=x onerror="console.error('injected')"><script>console.error('injected')</script>`;

let browser: Browser;
let reportFile: string;
let runIds: string[];
let cleanup: () => Promise<void>;

beforeAll(async () => {
  if (!existsSync(executablePath)) {
    throw new Error(`${executablePath} is missing: apt-get install -y chromium`);
  }
  const temp = await tempRegistry();
  cleanup = temp.cleanup;
  // runs of different lengths, as when one was stopped early
  const lines = (lr: number, offset: number, steps: number) => [
    ...trainLines(1, steps, { lr, loss: (s) => offset + 2.5 / Math.sqrt(s) + 0.05 * Math.sin(s) }),
    ...[20, 40, 60, 80]
      .filter((s) => s <= steps)
      .map((s) => evalLine(s, offset + 0.3 + 2 / Math.sqrt(s))),
  ];
  const a = await addRun(temp.registry, {
    config: tinyConfig({ description: hostile }),
    description: hostile,
    lines: lines(2e-4, 1.2, 80),
  });
  const b = await addRun(temp.registry, {
    config: tinyConfig({ learning_rate: 1e-4 }),
    lines: lines(1e-4, 1.5, 60),
  });
  runIds = [a.id, b.id];
  reportFile = path.join(temp.dir, "report.html");
  await writeFile(reportFile, renderHtmlReport(await compareRuns(temp.registry, runIds)));
  await mkdir(shotsDir, { recursive: true });
  browser = await chromium.launch({
    executablePath,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await cleanup?.();
});

describe("HTML report in Chromium", () => {
  for (const scheme of ["light", "dark"] as const) {
    it(`renders every curve, offline and without errors (${scheme})`, async () => {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      await page.emulateMedia({ colorScheme: scheme });
      const errors: string[] = [];
      const requests: string[] = [];
      page.on("console", (message) => {
        if (message.type() === "error") errors.push(message.text());
      });
      page.on("pageerror", (error) => errors.push(error.message));
      page.on("request", (request) => requests.push(request.url()));
      await page.goto(pathToFileURL(reportFile).href, { waitUntil: "load" });

      const charts = await page.$$eval("figure", (figures) =>
        figures.map((figure) => ({
          metric: figure.getAttribute("data-metric"),
          curves: [...figure.querySelectorAll("path[data-run], polyline[data-run]")].map(
            (curve) => {
              const box = curve.getBoundingClientRect();
              return {
                run: curve.getAttribute("data-run"),
                width: box.width,
                height: box.height,
                stroke: getComputedStyle(curve).stroke,
              };
            },
          ),
        })),
      );
      expect(charts.map((chart) => chart.metric)).toEqual(["loss", "eval_loss", "lr"]);
      for (const chart of charts) {
        expect(chart.curves.map((curve) => curve.run)).toEqual(runIds);
        for (const curve of chart.curves) {
          expect(curve.width).toBeGreaterThan(0);
          expect(curve.height).toBeGreaterThan(0);
          expect(curve.stroke).not.toBe("none");
        }
        expect(chart.curves[0]!.stroke).not.toBe(chart.curves[1]!.stroke);
      }
      const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      expect(background).toBe(scheme === "light" ? "rgb(255, 255, 255)" : "rgb(20, 23, 27)");
      expect(await page.locator("img, script").count()).toBe(0);
      expect(await page.getByText(hostile, { exact: true }).count()).toBeGreaterThanOrEqual(2);

      const shot = path.join(shotsDir, `report-${scheme}.png`);
      await page.screenshot({ path: shot, fullPage: true });
      console.log(`compare report screenshot (${scheme}): ${shot}`);
      expect(errors).toEqual([]);
      expect(requests).toEqual([pathToFileURL(reportFile).href]);
      await page.close();
    });
  }
});
