// `npm run bench -- ui [rounds]`: the dashboard against the terminal.
// 1. Latency: a tiny-cpu run on host `local` streamed home by `tunectl ui`; for every train
//    step, the time from the trainer writing its metric line (the line's own `ts`) to the step
//    drawn in the run page's loss chart, vs to `tunectl logs -f` printing the step's log
//    line. Both watch the same run at once (interleaved by construction); p50/p99 per side,
//    the ratio of p50s; with several rounds, medians over rounds. Target ratio <= 1.5.
// 2. First paint of the runs page over 1,000 synthetic runs (registry records with metrics):
//    navigation to all 1,000 rows in the table, and the browser's first contentful paint;
//    median of 5 loads.
// Needs `npm run build`, the trainer's venv (scripts/trainer/venv.sh) and /usr/bin/chromium.
/* global document, window, MutationObserver -- code run in the page by page.evaluate */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { BenchSetupError, fmtMs, fmtRatio, median, percentile, report } from "./measure.mjs";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const bin = path.join(repo, "bin", "tunectl.js");
const chromiumPath = "/usr/bin/chromium";
const chromiumArgs = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const env = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? os.tmpdir(), NO_COLOR: "1" };
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function cli(args, cwd) {
  const child = spawn(process.execPath, [bin, ...args], {
    cwd,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  return { child, stderr: () => stderr };
}

async function cliDone(args, cwd) {
  const { child, stderr } = cli(args, cwd);
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  const code = await new Promise((resolve) => child.on("exit", resolve));
  if (code !== 0) throw new Error(`tunectl ${args.join(" ")} exited ${code}: ${stderr()}`);
  return out;
}

async function firstLine(child) {
  const lines = createInterface({ input: child.stdout });
  return new Promise((resolve) => lines.once("line", resolve));
}

function runState(ws, id) {
  return JSON.parse(readFileSync(path.join(ws, ".tunectl", "runs", id, "run.json"), "utf8")).state;
}

async function latencyRound(chromium, steps) {
  const ws = mkdtempSync(path.join(os.tmpdir(), "tunectl-bench-ui-"));
  const config = path.join(repo, "configs", "tiny-cpu.yaml");
  const set = [`train.max_steps=${steps}`, "train.save_steps=1000", "train.eval_steps=1000"];
  const { run: id } = JSON.parse(
    await cliDone(["run", config, "--detach", "--json", ...set.flatMap((s) => ["--set", s])], ws),
  );
  const ui = cli(["ui", "--json"], ws);
  const { url } = JSON.parse(await firstLine(ui.child));
  const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
  const page = await browser.newPage();
  await page.goto(`${url}#/run/${id}`);
  await page.waitForSelector('figure[data-chart="loss"] svg');
  // every step the chart draws, with the wall time of the draw
  await page.evaluate(() => {
    const chart = document.querySelector('figure[data-chart="loss"] svg');
    window.drawn = [];
    new MutationObserver(() =>
      window.drawn.push([Number(chart.dataset.lastX), Date.now()]),
    ).observe(chart, { attributes: true, attributeFilter: ["data-last-x"] });
  });
  const printed = new Map();
  const logs = cli(["logs", id, "-f", "--tail", "0"], ws);
  createInterface({ input: logs.child.stdout }).on("line", (line) => {
    const step = /\bstep (\d+)\//.exec(line)?.[1];
    if (step !== undefined && !printed.has(Number(step))) printed.set(Number(step), Date.now());
  });
  const deadline = Date.now() + 20 * 60_000;
  while (!["succeeded", "failed", "cancelled", "lost"].includes(runState(ws, id))) {
    if (Date.now() > deadline) throw new Error(`run ${id} did not end`);
    await sleep(500);
  }
  await sleep(2000);
  const drawnPairs = await page.evaluate(() => window.drawn);
  const drawn = new Map();
  for (const [step, t] of drawnPairs) if (!drawn.has(step)) drawn.set(step, t);
  await browser.close();
  logs.child.kill("SIGINT");
  const stopped = new Promise((resolve) => ui.child.once("exit", resolve));
  ui.child.kill("SIGINT");
  await stopped;
  const lines = readFileSync(path.join(ws, ".tunectl", "runs", id, "metrics.jsonl"), "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l))
    .filter((l) => l.kind === "train");
  const ui_ = [];
  const term = [];
  for (const line of lines) {
    if (!drawn.has(line.step) || !printed.has(line.step)) continue;
    ui_.push(drawn.get(line.step) - line.ts * 1000);
    term.push(printed.get(line.step) - line.ts * 1000);
  }
  if (ui_.length === 0) throw new Error(`no step seen by both sides (run ${id} in ${ws})`);
  return { ui: ui_, logs: term };
}

async function firstPaint(chromium, count) {
  const { RunRegistry } = await import(path.join(repo, "dist", "runs", "index.js"));
  const { startUiServer } = await import(path.join(repo, "dist", "ui", "index.js"));
  const dir = mkdtempSync(path.join(os.tmpdir(), "tunectl-bench-ui-1k-"));
  const registry = new RunRegistry(dir);
  for (let i = 0; i < count; i++) {
    const run = await registry.create({
      name: `synthetic-${i % 40}`,
      configYaml: `name: synthetic-${i % 40}\ntrain:\n  learning_rate: ${(i + 1) * 1e-6}\n`,
      model: "builtin:tiny",
      image: "tunectl-trainer:cpu",
      gpus_requested: 0,
      labels: { sweep: `sweep-${i % 7}` },
    });
    const paths = registry.paths(run.id);
    await mkdir(paths.dir, { recursive: true });
    const lines = Array.from({ length: 50 }, (_, s) =>
      JSON.stringify({
        ts: 1.7e9 + s,
        step: s + 1,
        attempt: 1,
        kind: "train",
        total_steps: 100,
        loss: 3 - s / 50,
        tokens_per_s: 1000,
      }),
    );
    await writeFile(paths.metrics, `${lines.join("\n")}\n`);
  }
  const actions = { cancel: async () => undefined, resume: async () => undefined };
  const server = await startUiServer({
    registry,
    actions,
    token: "bench",
    port: 0,
    reporter: { emit() {} },
  });
  const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
  const rows = [];
  const fcp = [];
  for (let i = 0; i < 5; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    const start = Date.now();
    await page.goto(server.url);
    await page.waitForFunction(
      (n) => document.querySelectorAll("#runs tbody tr").length === n,
      count,
      { timeout: 60_000 },
    );
    rows.push(Date.now() - start);
    fcp.push(
      await page.evaluate(
        () => performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? NaN,
      ),
    );
    await context.close();
  }
  await browser.close();
  await server.close();
  return { rows: median(rows), fcp: median(fcp), samples: rows };
}

export default async function uiBench(args) {
  const rounds = Number(args[0] ?? 3);
  if (!existsSync(chromiumPath))
    throw new BenchSetupError(`${chromiumPath} is missing (apt-get install chromium)`);
  if (!existsSync(path.join(repo, "dist", "ui", "web", "app.js")))
    throw new BenchSetupError("the front end is not built: npm run build");
  const { chromium } = await import("playwright-core");
  const p50ui = [];
  const p99ui = [];
  const p50logs = [];
  const p99logs = [];
  let samples = 0;
  for (let round = 0; round < rounds; round++) {
    const { ui, logs } = await latencyRound(chromium, 80);
    samples += ui.length;
    p50ui.push(percentile(ui, 50));
    p99ui.push(percentile(ui, 99));
    p50logs.push(percentile(logs, 50));
    p99logs.push(percentile(logs, 99));
  }
  const ratio = median(p50ui) / median(p50logs);
  report(
    `metric line written -> seen (${rounds} round(s), ${samples} steps, medians over rounds)`,
    [
      `page draws it:   p50 ${fmtMs(median(p50ui))}  p99 ${fmtMs(median(p99ui))}`,
      `logs -f prints:  p50 ${fmtMs(median(p50logs))}  p99 ${fmtMs(median(p99logs))}`,
      `ratio p50 page / logs -f: ${fmtRatio(ratio, 1.5)}`,
    ],
  );
  const paint = await firstPaint(chromium, 1000);
  report("runs page over 1,000 runs (median of 5 loads)", [
    `first contentful paint: ${fmtMs(paint.fcp)}`,
    `all 1,000 rows in the table: ${fmtMs(paint.rows)} (samples ${paint.samples.map((s) => s.toFixed(0)).join(", ")})`,
  ]);
}
