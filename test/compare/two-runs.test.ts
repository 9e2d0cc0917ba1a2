// Two real tiny runs on the testbed, differing only in train.learning_rate, compared with the
// built CLI as a user would: the diff, the summaries against the metrics files, the HTML.
import { spawn } from "node:child_process";
import { mkdir, readFile } from "node:fs/promises";
import path from "node:path";
import { DomUtils, parseDocument } from "htmlparser2";
import { beforeAll, describe, expect, it } from "vitest";
import type { ComparisonReport } from "../../src/compare/index.js";
import { parseMetricLines, attemptAwareMetrics } from "../../src/runs/index.js";
import { loadTestbed, repoRoot, type Testbed } from "../setup/testbed.js";

const bin = path.join(repoRoot, "bin", "tunectl.js");
const config = path.join(repoRoot, "configs", "tiny-cpu.yaml");
const shared = [
  "--set",
  "train.max_steps=30",
  "--set",
  "train.eval_steps=10",
  "--set",
  "train.save_steps=10",
];

let testbed: Testbed;
let ids: string[];

function tunectl(
  args: string[],
  timeoutMs = 240_000,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd: testbed.workspaceDir,
      env: { ...process.env, ...testbed.env(), NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

async function launch(host: string, learningRate: string): Promise<string> {
  const args = ["run", config, ...shared, "--set", `train.learning_rate=${learningRate}`];
  const result = await tunectl([...args, "--host", host, "--detach", "--json"]);
  expect(result.code, result.stderr).toBe(0);
  return (JSON.parse(result.stdout) as { run: string }).run;
}

beforeAll(async () => {
  testbed = loadTestbed();
  ids = await Promise.all([launch("h1", "3e-3"), launch("h2", "1e-3")]);
  // attach follows each run (metrics, logs, checkpoints) until it ends
  const attached = await Promise.all(ids.map((id) => tunectl(["attach", id], 300_000)));
  for (const result of attached) expect(result.code, result.stderr).toBe(0);
}, 600_000);

describe("compare two real runs", () => {
  it("the diff shows train.learning_rate and nothing beyond the identity fields", async () => {
    const result = await tunectl(["compare", ...ids, "--json"]);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as ComparisonReport;
    expect(report.diff.keys.map((row) => row.key)).toEqual([
      "name",
      "model",
      "image",
      "dataset.fingerprint",
      "train.learning_rate",
    ]);
    expect(report.diff.keys.at(-1)!.values).toEqual([3e-3, 1e-3]);
    const [a, b] = report.diff.keys.find((row) => row.key === "dataset.fingerprint")!.values;
    expect(a).toBe(b);
    expect(a).toMatch(/[0-9a-f]{16}/);

    for (const [i, summary] of report.summaries.entries()) {
      const metricsFile = path.join(
        testbed.workspaceDir,
        ".tunectl",
        "runs",
        ids[i]!,
        "metrics.jsonl",
      );
      const lines = attemptAwareMetrics(parseMetricLines(await readFile(metricsFile, "utf8")));
      const train = lines.filter((line) => line.kind === "train");
      const evals = lines.filter((line) => line.kind === "eval");
      const bestEval = Math.min(...evals.map((line) => line.eval_loss!));
      expect(summary.state).toBe("succeeded");
      expect(summary.steps).toBe(30);
      expect(summary.final_train_loss).toBe(train.at(-1)!.loss);
      expect(summary.min_train_loss).toBe(Math.min(...train.map((line) => line.loss!)));
      expect(summary.tokens_seen).toBe(train.at(-1)!.tokens);
      expect(summary.final_eval_loss).toBe(evals.at(-1)!.eval_loss);
      expect(summary.best_eval_loss).toBe(bestEval);
      expect(summary.best_eval_step).toBe(evals.find((line) => line.eval_loss === bestEval)!.step);
      expect(summary.duration_s).toBeGreaterThan(0);
      expect(report.series.loss![i]!.points.map(([x]) => x)).toEqual(
        train.map((line) => line.step),
      );
    }
  });

  it("writes an HTML report with one curve per run per chart, and prints the terminal view", async () => {
    const outDir = path.join(repoRoot, "test-results", "compare");
    await mkdir(outDir, { recursive: true });
    const file = path.join(outDir, "two-runs.html");
    const result = await tunectl(["compare", ...ids, "--html", file, "--chart"]);
    expect(result.code, result.stderr).toBe(0);
    console.log(`tunectl compare ${ids.join(" ")} --chart\n${result.stdout}\nHTML report: ${file}`);
    expect(result.stdout).toMatch(/^train\.learning_rate +0\.003 +0\.001$/m);
    const dom = parseDocument(await readFile(file, "utf8"));
    const figures = DomUtils.findAll((el) => el.name === "figure", dom.children);
    expect(figures).toHaveLength(3);
    for (const figure of figures) {
      const runs = DomUtils.findAll(
        (el) => el.name === "path" && "data-run" in el.attribs,
        figure.children,
      );
      expect(runs.map((el) => el.attribs["data-run"])).toEqual(ids);
    }
  });
});
