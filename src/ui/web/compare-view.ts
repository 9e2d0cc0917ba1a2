import type { ComparePage } from "../compare-page.js";
import { getJson } from "./api.js";
import { LineChart } from "./chart.js";
import { h } from "./dom.js";
import { fmtValue, num, stateClass } from "./format.js";

/** The compare page: config diff, overlaid curves, summaries, answers side by side. */
export async function compareView(main: HTMLElement, ids: string[]): Promise<void> {
  const runs = ids.map(encodeURIComponent).join(",");
  const page = await getJson<ComparePage>(`/api/compare?runs=${runs}`);
  const head = h(
    "tr",
    {},
    h("th", {}, ""),
    page.runs.map((r, i) => h("th", { class: `c${i}` }, r.id)),
  );
  const diff = h(
    "table",
    { id: "diff" },
    h("thead", {}, head),
    h(
      "tbody",
      {},
      page.diff.map((row) =>
        h(
          "tr",
          { "data-key": row.key },
          h("th", {}, row.key),
          row.values.map((v) => h("td", {}, fmtValue(v))),
        ),
      ),
    ),
  );
  const charts = (["loss", "eval_loss", "lr"] as const).map((metric) => {
    const chart = new LineChart(metric);
    chart.set({
      curves: page.curves.map((c, slot) => ({
        label: page.runs[slot]!.id,
        slot,
        points: c.metrics[metric] ?? [],
      })),
      marks: [],
    });
    return h(
      "figure",
      { "data-chart": metric },
      h(
        "figcaption",
        {},
        metric,
        ...page.runs.map((r, i) => h("span", { class: `c${i}` }, r.name)),
      ),
      chart.element,
    );
  });
  const summaryRows: [string, (i: number) => string][] = [
    ["state", (i) => page.summaries[i]!.state],
    ["steps", (i) => `${page.summaries[i]!.steps}/${page.summaries[i]!.total_steps ?? "?"}`],
    ["final train loss", (i) => num(page.summaries[i]!.final_train_loss)],
    ["best eval loss", (i) => num(page.summaries[i]!.best_eval_loss)],
    ["mean tokens/s", (i) => num(page.summaries[i]!.mean_tokens_per_s, 0)],
    ["checkpoints", (i) => String(page.summaries[i]!.checkpoints)],
  ];
  const summary = h(
    "table",
    { id: "compare-summary" },
    h("thead", {}, head.cloneNode(true)),
    h(
      "tbody",
      {},
      summaryRows.map(([k, f]) =>
        h(
          "tr",
          {},
          h("th", {}, k),
          page.runs.map((_, i) => h("td", { class: "num" }, f(i))),
        ),
      ),
    ),
  );
  const answers =
    page.generations.length === 0
      ? h("p", { class: "muted" }, "no generations")
      : h(
          "table",
          { id: "compare-generations" },
          h("thead", {}, head.cloneNode(true)),
          h(
            "tbody",
            {},
            page.generations.map((g) =>
              h(
                "tr",
                {},
                h(
                  "th",
                  {},
                  g.prompt_id,
                  h("div", { class: "muted answer" }, g.prompt.slice(0, 200)),
                ),
                g.answers.map((a) => {
                  const latest = a.at(-1);
                  return h(
                    "td",
                    { class: "answer" },
                    latest ? `step ${latest.step}: ${latest.output}` : "–",
                  );
                }),
              ),
            ),
          ),
        );
  main.replaceChildren(
    h(
      "h1",
      {},
      "Compare ",
      page.runs.map((r, i) => h("span", { class: `c${i} ${stateClass(r.state)}` }, `${r.id} `)),
    ),
    h(
      "p",
      {},
      h(
        "a",
        { href: `/report?runs=${runs}`, id: "report-link", target: "_blank", rel: "noopener" },
        "static HTML report (tunectl compare --html)",
      ),
    ),
    h("h2", {}, "Config diff"),
    diff,
    h("h2", {}, "Curves"),
    h("div", { class: "charts" }, charts),
    h("h2", {}, "Summary"),
    summary,
    h("h2", {}, "Generations (latest per prompt)"),
    answers,
  );
}
