import type { MetricLine, RunRecord } from "../../runs/index.js";
import type { RunCurves } from "../run-curves.js";
import type { RunPage } from "../run-page.js";
import { getJson, listen, postAction } from "./api.js";
import { LineChart, type Point } from "./chart.js";
import { h } from "./dom.js";
import { fmtValue, num, stateClass } from "./format.js";
import { runGpusSection } from "./run-gpus-view.js";

type Axis = RunCurves["axis"];
const charts = [
  { id: "loss", title: "Loss", metrics: ["loss", "eval_loss"] },
  { id: "lr", title: "Learning rate", metrics: ["lr"] },
  { id: "grad_norm", title: "Grad norm", metrics: ["grad_norm"] },
  { id: "tokens_per_s", title: "Tokens/s", metrics: ["tokens_per_s"] },
] as const;
const terminal = ["succeeded", "failed", "cancelled", "lost"];

/** The run page: state and actions, curves, log (following), config, checkpoints, answers. */
export async function runView(
  main: HTMLElement,
  id: string,
  signal: AbortSignal,
  setLive: (on: boolean) => void,
  axis: Axis = "step",
): Promise<void> {
  const base = `/api/runs/${encodeURIComponent(id)}`;
  const [page, curves, log] = await Promise.all([
    getJson<RunPage & { remote: boolean }>(base),
    getJson<RunCurves>(`${base}/curves?axis=${axis}`),
    getJson<{ attempt: number; text: string; end: number }>(`${base}/log`),
  ]);
  let run = page.run;
  const stateEl = h("span", { id: "run-state", class: stateClass(run.state) }, run.state);
  const message = h("span", { class: "muted", id: "action-message", role: "status" });
  const act = (name: "cancel" | "resume") => async () => {
    const verb = name === "cancel" ? "Cancel" : "Resume";
    if (!confirm(`${verb} run ${run.id}?`)) return;
    message.textContent = `${name === "cancel" ? "cancelling" : "resuming"}…`;
    try {
      const result = await postAction(`${base}/${name}`);
      message.textContent = `${result.run} ${result.state}`;
    } catch (error) {
      message.textContent = (error as Error).message;
      message.className = "error";
    }
  };
  const cancel = h(
    "button",
    { type: "button", class: "danger", id: "cancel", onclick: act("cancel") },
    "Cancel run",
  );
  const resume = h("button", { type: "button", id: "resume", onclick: act("resume") }, "Resume");
  const syncButtons = () => {
    cancel.disabled = terminal.includes(run.state);
    resume.disabled = !["failed", "cancelled", "lost"].includes(run.state);
    stateEl.textContent = run.state;
    stateEl.className = stateClass(run.state);
  };
  syncButtons();

  const axisSelect = h("select", { id: "axis", "aria-label": "x axis" });
  for (const a of ["step", "time", "tokens"] as const)
    axisSelect.append(
      h("option", { value: a, selected: a === axis }, a === "time" ? "time (s)" : a),
    );
  axisSelect.addEventListener("change", () => {
    location.hash = `#/run/${encodeURIComponent(id)}?axis=${axisSelect.value}`;
  });

  const series: Record<string, Point[]> = {};
  for (const [metric, points] of Object.entries(curves.metrics)) series[metric] = [...points];
  const marks = curves.attempts.map((a) => ({ x: a.x, label: `attempt ${a.n}` }));
  const views = charts.map((c) => ({ ...c, chart: new LineChart(c.title) }));
  const redraw = () => {
    for (const view of views)
      view.chart.set({
        curves: view.metrics.map((m, slot) => ({ label: m, slot, points: series[m] ?? [] })),
        marks,
      });
  };
  redraw();
  let lastStep = curves.last_step;
  const xOf = (line: MetricLine): number | undefined => {
    if (axis === "step") return line.step;
    if (axis === "tokens") return typeof line.tokens === "number" ? line.tokens : undefined;
    const ts = typeof line.ts === "number" ? line.ts : Date.parse(String(line.ts)) / 1000;
    return curves.origin_ts === null ? undefined : ts - curves.origin_ts;
  };
  const addLines = (lines: MetricLine[]) => {
    for (const line of lines) {
      if (line.kind !== "train" && line.kind !== "eval") continue;
      const x = xOf(line);
      if (x === undefined) continue;
      if (line.kind === "train") {
        if (line.step <= lastStep) {
          // a resumed attempt: the curve goes on from its checkpoint
          for (const points of Object.values(series))
            points.splice(0, points.length, ...points.filter(([px]) => px < x));
          marks.push({ x, label: `attempt ${line.attempt}` });
        }
        lastStep = line.step;
      }
      for (const metric of Object.keys(series)) {
        const fromEval = metric.startsWith("eval_");
        if (fromEval !== (line.kind === "eval")) continue;
        const y = line[metric];
        if (typeof y === "number" && Number.isFinite(y)) series[metric]!.push([x, y]);
      }
    }
    redraw();
  };

  const logEl = h("pre", { class: "log", id: "log", tabindex: 0, "aria-label": "log" }, log.text);
  const appendLog = (text: string) => {
    const atBottom = logEl.scrollTop + logEl.clientHeight >= logEl.scrollHeight - 20;
    logEl.append(text);
    if (atBottom) logEl.scrollTop = logEl.scrollHeight;
  };

  const summaryBox = h("div", {}, summaryTable(page));
  const checkpointsBox = h("div", {}, checkpointsTable(page));
  const generationsBox = h("div", {}, generations(page));
  // summary, checkpoints and answers change with evals and saves: read again, at most every 3 s
  let refreshing: ReturnType<typeof setTimeout> | null = null;
  const refreshDetails = () => {
    if (refreshing !== null || signal.aborted) return;
    refreshing = setTimeout(async () => {
      refreshing = null;
      const next = await getJson<RunPage>(base).catch(() => null);
      if (!next || signal.aborted) return;
      summaryBox.replaceChildren(summaryTable(next));
      checkpointsBox.replaceChildren(checkpointsTable(next));
      const open = new Set(
        [...generationsBox.querySelectorAll<HTMLElement>("details[open]")].map(
          (d) => d.dataset.prompt ?? "",
        ),
      );
      generationsBox.replaceChildren(generations(next, open));
    }, 3000);
  };

  main.replaceChildren(
    h("h1", {}, run.id, " ", stateEl),
    h(
      "p",
      { class: "muted" },
      `${run.name} · ${run.model} · attempt ${run.attempts.at(-1)?.n ?? 0} on ${run.attempts.at(-1)?.host ?? "–"}`,
    ),
    page.remote
      ? h(
          "p",
          { class: "muted", id: "remote-note" },
          "read from the bucket's mirror: read-only here; cancel or resume it from the workspace that started it",
        )
      : h("div", { class: "actions" }, cancel, resume, message),
    h("h2", {}, "Curves ", axisSelect),
    h(
      "div",
      { class: "charts" },
      views.map((v) =>
        h(
          "figure",
          { "data-chart": v.id },
          h(
            "figcaption",
            {},
            v.title,
            ...v.metrics.map((m, i) => h("span", { class: `c${i}` }, m)),
          ),
          v.chart.element,
        ),
      ),
    ),
    h("h2", {}, `Log (attempt ${log.attempt}, following)`),
    logEl,
    h(
      "div",
      { class: "grid2" },
      h(
        "div",
        {},
        h("h2", {}, "Summary"),
        summaryTable(page),
        h("h2", {}, "Checkpoints"),
        checkpointsTable(page),
        h("h2", {}, "GPUs"),
        runGpusSection(run.id, signal),
      ),
      h("div", {}, h("h2", {}, "Config"), h("pre", { class: "config", id: "config" }, page.config)),
    ),
    h("h2", {}, "Generations"),
    generations(page),
  );
  logEl.scrollTop = logEl.scrollHeight;
  const attempts = run.attempts.length;
  listen(
    `${base}/events?metrics=${curves.metrics_end}&log=${log.end}`,
    {
      metrics: (data) => {
        addLines(data as MetricLine[]);
        refreshDetails();
      },
      log: (data) => appendLog(data as string),
      record: (data) => {
        run = data as RunRecord;
        syncButtons();
        refreshDetails();
        // a new attempt writes a new log: the page starts again on it
        if (run.attempts.length !== attempts)
          window.dispatchEvent(new HashChangeEvent("hashchange"));
      },
    },
    signal,
    setLive,
  );
}

function summaryTable(page: RunPage): HTMLElement {
  const s = page.summary;
  const rows: [string, string][] = [
    ["steps", `${s.steps}/${s.total_steps ?? "?"}`],
    ["attempts", String(s.attempts)],
    ["final train loss", num(s.final_train_loss)],
    [
      "best eval loss",
      `${num(s.best_eval_loss)}${s.best_eval_step === null ? "" : ` @ ${s.best_eval_step}`}`,
    ],
    ["tokens seen", num(s.tokens_seen, 0)],
    ["mean tokens/s", num(s.mean_tokens_per_s, 0)],
  ];
  return h(
    "table",
    { id: "summary" },
    h(
      "tbody",
      {},
      rows.map(([k, v]) => h("tr", {}, h("th", {}, k), h("td", { class: "num" }, v))),
    ),
  );
}

function checkpointsTable(page: RunPage): HTMLElement {
  if (page.checkpoints.length === 0)
    return h("p", { class: "muted" }, "no complete checkpoint here yet");
  return h(
    "table",
    { id: "checkpoints" },
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        ...["Step", "Loss", "Eval loss", "Size", "Local", "Bucket"].map((t) => h("th", {}, t)),
      ),
    ),
    h(
      "tbody",
      {},
      page.checkpoints.map((c) =>
        h(
          "tr",
          {},
          h("td", {}, c.step),
          h("td", {}, fmtValue(c.metrics.loss)),
          h("td", {}, fmtValue(c.metrics.eval_loss)),
          h("td", {}, `${(c.size / 1e6).toFixed(1)} MB`),
          h("td", {}, c.local ? "yes" : "no"),
          h("td", {}, c.bucket ? "yes" : "no"),
        ),
      ),
    ),
  );
}

function generations(page: RunPage, open = new Set<string>()): HTMLElement {
  if (page.generations.length === 0) return h("p", { class: "muted" }, "no generations yet");
  return h(
    "div",
    { id: "generations" },
    page.generations.map((p) =>
      h(
        "details",
        { "data-prompt": p.prompt_id, open: open.has(p.prompt_id) },
        h("summary", {}, `${p.prompt_id}: ${p.prompt.slice(0, 100)}`),
        h(
          "table",
          {},
          h(
            "tbody",
            {},
            p.answers.map((a) =>
              h("tr", {}, h("th", {}, `step ${a.step}`), h("td", { class: "answer" }, a.output)),
            ),
          ),
        ),
      ),
    ),
  );
}
