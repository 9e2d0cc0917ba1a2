// The dashboard end to end on this machine: real runs from the trainer (host `local`), the
// built `tunectl ui`, and Debian's Chromium driven by playwright-core.
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshWorkspace, repoRoot, tinyConfig, tunectl } from "../../concurrency/crowd.js";
import { fakeGpus, runState, startDashboard, until, type Dashboard } from "./dashboard.js";

const chromiumPath = "/usr/bin/chromium";
const shots = path.join(repoRoot, "test-results", "ui");
const terminal = ["succeeded", "failed", "cancelled", "lost"];

async function screenshots(page: Page, name: string): Promise<void> {
  for (const scheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.screenshot({ path: path.join(shots, `${name}-${scheme}.png`), fullPage: true });
  }
  await page.emulateMedia({ colorScheme: "light" });
}

async function detachedRun(
  ws: string,
  env: Record<string, string>,
  ...set: string[]
): Promise<string> {
  const args = ["run", tinyConfig, "--detach", "--json", ...set.flatMap((s) => ["--set", s])];
  const result = await tunectl(args, ws, 300_000, env);
  if (result.code !== 0) throw new Error(`tunectl ${args.join(" ")}: ${result.stderr}`);
  return (JSON.parse(result.stdout) as { run: string }).run;
}

describe.skipIf(!existsSync(chromiumPath))("tunectl ui in Chromium", () => {
  let ws: string;
  let dashboard: Dashboard;
  let browser: Browser;
  let page: Page;
  let long: string;
  let short: string;
  /** PATH with the nvidia-smi stand-in first: host `local` has two GPUs. */
  let gpuPath: string;
  /** A teammate's workspace sharing this one's store, and its run there. */
  let teammate: Promise<{ ws: string; run: string }> | undefined;

  beforeAll(async () => {
    await mkdir(shots, { recursive: true });
    ws = await freshWorkspace();
    gpuPath = await fakeGpus(await mkdtemp(path.join(os.tmpdir(), "tunectl-ui-gpus-")));
    // one short CPU run to compare with, one long enough to watch train and then cancel, on
    // one of the two (stand-in) GPUs: its page shows that GPU only
    short = await detachedRun(ws, {}, "train.max_steps=20", "train.learning_rate=1e-3");
    long = await detachedRun(
      ws,
      { PATH: gpuPath },
      "resources.gpus=1",
      "train.max_steps=3000",
      "train.save_steps=20",
      "train.eval_steps=1000",
    );
    dashboard = await startDashboard(ws, { env: { PATH: gpuPath } });
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  });

  afterAll(async () => {
    await browser?.close();
    await dashboard?.stop();
    for (const id of [long, short].filter(Boolean))
      if (!terminal.includes(await runState(ws, id).catch(() => "gone")))
        await tunectl(["cancel", id, "--force"], ws, 60_000);
  });

  it("refuses a request without the token, or from another origin", async () => {
    const bare = `http://127.0.0.1:${dashboard.port}`;
    expect((await fetch(`${bare}/`)).status).toBe(403);
    expect((await fetch(`${bare}/api/runs`)).status).toBe(403);
    const foreign = await fetch(dashboard.url, { headers: { origin: "http://example.com" } });
    expect(foreign.status).toBe(403);
    expect((await fetch(dashboard.url)).status).toBe(200);
  });

  it("updates the runs table while a run trains, without a reload", async () => {
    await page.goto(dashboard.url);
    const row = page.locator(`#runs tr[data-run="${long}"]`);
    await row.waitFor({ timeout: 60_000 });
    const stepOf = async () => Number((await row.getAttribute("data-step")) || "0");
    await until(
      "the long run's first step in the table",
      async () => (await stepOf()) > 0,
      180_000,
    );
    const seen = await stepOf();
    await page.evaluate(() => ((globalThis as Record<string, unknown>).uiMark = 1));
    await until(`a step after ${seen} in the table`, async () => (await stepOf()) > seen, 120_000);
    // the mark survives only if the page was never reloaded
    expect(await page.evaluate(() => (globalThis as Record<string, unknown>).uiMark)).toBe(1);
    await screenshots(page, "runs");
  });

  it("shows a run's curves and follows its log", async () => {
    await page.click(`a[href="#/run/${long}"]`);
    const loss = page.locator('figure[data-chart="loss"] svg');
    await page
      .locator('figure[data-chart="loss"] svg path.curve')
      .first()
      .waitFor({ timeout: 60_000 });
    const points = async () => Number((await loss.getAttribute("data-points")) ?? "0");
    const drawn = await points();
    expect(drawn).toBeGreaterThan(0);
    for (const chart of ["lr", "grad_norm", "tokens_per_s"])
      await page
        .locator(`figure[data-chart="${chart}"] svg path.curve`)
        .waitFor({ timeout: 30_000 });
    const log = page.locator("#log");
    const logged = (await log.textContent()) ?? "";
    await until(
      "the log to grow",
      async () => ((await log.textContent()) ?? "").length > logged.length,
      120_000,
    );
    await until("a point drawn live", async () => (await points()) > drawn, 60_000);
    await expect.poll(() => page.locator("#config").textContent()).toContain("max_steps: 3000");
    // the GPU the run holds, from the host's probe; not the host's other GPU
    const held = page.locator("#run-gpus tr[data-gpu]");
    await held.first().waitFor({ timeout: 60_000 });
    const record = JSON.parse(
      await readFile(path.join(ws, ".tunectl", "runs", long, "run.json"), "utf8"),
    ) as { attempts: { gpus: number[] }[] };
    const leased = record.attempts.at(-1)!.gpus;
    expect(leased).toHaveLength(1);
    expect(await held.evaluateAll((rows) => rows.map((r) => r.getAttribute("data-gpu")))).toEqual([
      `local:${leased[0]}`,
    ]);
    expect(await held.textContent()).toContain("NVIDIA A100-SXM4-80GB");
    await screenshots(page, "run");
  });

  it("compares two runs: the config diff and both curves", async () => {
    await until(
      "the short run to end",
      async () => terminal.includes(await runState(ws, short)),
      240_000,
    );
    await page.goto(`${dashboard.url}#/run/${short}`);
    const cpu = page.locator('#run-gpus[data-state="cpu"]');
    await cpu.waitFor({ timeout: 60_000 });
    expect(await cpu.textContent()).toBe("no GPUs (CPU run on local)");
    await page.goto(`${dashboard.url}#/compare/${short},${long}`);
    const diff = page.locator("#diff");
    await diff.waitFor({ timeout: 30_000 });
    await expect.poll(() => diff.textContent()).toContain("train.learning_rate");
    expect(await page.locator('#diff tr[data-key="train.max_steps"]').count()).toBe(1);
    expect(await page.locator('#diff tr[data-key="model.base"]').count()).toBe(0);
    const curves = page.locator('figure[data-chart="loss"] svg path.curve');
    await until("two loss curves", async () => (await curves.count()) === 2, 30_000);
    expect(await page.locator("#report-link").getAttribute("href")).toContain(
      `/report?runs=${short},${long}`,
    );
    await screenshots(page, "compare");
  });

  it("lists every GPU of the hosts and which run holds each; no sweeps yet", async () => {
    await page.goto(`${dashboard.url}#/gpus`);
    const rows = page.locator("#gpus tbody tr");
    await rows.first().waitFor({ timeout: 60_000 });
    expect(await rows.count()).toBe(2);
    expect(await rows.filter({ hasText: long }).count()).toBe(1);
    expect(await rows.filter({ hasText: "free" }).count()).toBe(1);
    await screenshots(page, "gpus");
    await page.goto(`${dashboard.url}#/sweeps`);
    await expect.poll(() => page.locator("main").textContent()).toContain("no sweeps");
  });

  it("cancels a run from its page, confirmed, and the run ends cancelled", async () => {
    await page.goto(`${dashboard.url}#/run/${long}`);
    const cancel = page.locator("#cancel");
    await cancel.waitFor({ timeout: 30_000 });
    expect(await cancel.isDisabled()).toBe(false);
    let asked = "";
    page.once("dialog", (dialog) => {
      asked = dialog.message();
      void dialog.accept();
    });
    await cancel.click();
    await until("the confirmation", () => asked !== "", 10_000);
    expect(asked).toContain(long);
    await until(
      "the page to show cancelled",
      async () => (await page.locator("#run-state").textContent()) === "cancelled",
      180_000,
    );
    expect(await runState(ws, long)).toBe("cancelled");
    expect(await cancel.isDisabled()).toBe(true);
    await screenshots(page, "run-cancelled");
  });

  it("draws a sweep's parallel coordinates next to its leaderboard, one line per trial", async () => {
    // meanwhile a teammate trains in a workspace of their own whose runs go to the same store
    teammate = (async () => {
      const other = await freshWorkspace();
      await writeFile(
        path.join(other, "tunectl.yaml"),
        `storage: ${path.join(ws, ".tunectl", "store")}\n`,
      );
      const ran = await tunectl(["run", tinyConfig, "--json", "--set", "train.max_steps=6"], other);
      if (ran.code !== 0) throw new Error(`the teammate's run: ${ran.stderr}`);
      const run = /"run":"([^"]+)"/.exec(ran.stdout)?.[1];
      if (!run) throw new Error(`the teammate's run printed no id: ${ran.stdout}`);
      return { ws: other, run };
    })();
    teammate.catch(() => undefined); // awaited by the next test
    await writeFile(
      path.join(ws, "lr.yaml"),
      [
        `experiment: ${tinyConfig}`,
        "name: lr",
        "method: grid",
        "parameters:",
        "  train.learning_rate: {values: [1.0e-4, 1.0e-3, 1.0e-2]}",
        "  train.max_steps: {values: [4]}",
        "  train.eval_steps: {values: [2]}",
        "  train.save_steps: {values: [100]}",
        "",
      ].join("\n"),
    );
    const swept = await tunectl(["--json", "sweep", "run", "lr.yaml"], ws, 600_000);
    expect(swept.code, swept.stderr).toBe(0);
    await page.goto(`${dashboard.url}#/sweeps`);
    const lines = page.locator("section[data-sweep] svg.parallel polyline.trial");
    // attached, not visible: a level line has an empty box, which Playwright calls hidden
    await lines.first().waitFor({ state: "attached", timeout: 60_000 });
    expect(await lines.count()).toBe(3);
    expect(await page.locator("section[data-sweep] table.leaderboard tbody tr").count()).toBe(3);
    // an axis for the one parameter that varies, the metric's last; every trial has its
    // eval_loss, so every line crosses both
    const plot = page.locator("section[data-sweep] svg.parallel");
    expect(await plot.getAttribute("data-axes")).toBe("train.learning_rate eval_loss");
    const points = await lines.evaluateAll((all) =>
      all.map((l) => (l.getAttribute("points") ?? "").trim().split(" ").length),
    );
    expect(points).toEqual([2, 2, 2]);
    await screenshots(page, "sweeps");
  });

  it("with --bucket, shows a teammate's run from the bucket's mirror, read-only", async () => {
    const { run } = await teammate!;
    const shared = await startDashboard(ws, { args: ["--bucket"] });
    try {
      await page.goto(shared.url);
      const row = page.locator(`#runs tr[data-run="${run}"]`);
      await row.waitFor({ timeout: 60_000 });
      expect(await row.getAttribute("data-remote")).toBe("");
      expect(await row.textContent()).toContain("bucket");
      expect(await row.getAttribute("data-step")).toBe("6");
      const own = page.locator(`#runs tr[data-run="${long}"]`);
      expect(await own.getAttribute("data-remote")).toBeNull();
      await screenshots(page, "runs-bucket");
      await page.click(`a[href="#/run/${run}"]`);
      await page.locator("#remote-note").waitFor({ timeout: 30_000 });
      expect(await page.locator("#cancel").count()).toBe(0);
      await page
        .locator('figure[data-chart="loss"] svg path.curve')
        .first()
        .waitFor({ timeout: 30_000 });
      await expect.poll(() => page.locator("#log").textContent()).not.toBe("");
      // its checkpoint is in the bucket, not in this workspace
      const checkpoint = page.locator("#checkpoints tbody tr");
      await checkpoint.first().waitFor({ timeout: 30_000 });
      expect(
        await checkpoint
          .first()
          .locator("td")
          .evaluateAll((cells) => {
            const text = cells.map((c) => c.textContent);
            return [text[0], text.at(-2), text.at(-1)];
          }),
      ).toEqual(["6", "no", "yes"]);
      await screenshots(page, "run-bucket");
    } finally {
      await shared.stop();
    }
  });
});
