import type { RunRow } from "../run-rows.js";
import { listen } from "./api.js";
import { h } from "./dom.js";
import { age, duration, num, stateClass } from "./format.js";

/** The runs page: every run, filtered by state and by text (name, id, tag or sweep), live. */
export function runsView(main: HTMLElement, signal: AbortSignal, setLive: (on: boolean) => void) {
  const rows = new Map<string, RunRow>();
  const selected = new Set<string>();
  const state = h(
    "select",
    { "aria-label": "state", id: "filter-state" },
    h("option", { value: "" }, "any state"),
  );
  for (const s of ["active", "running", "succeeded", "failed", "cancelled", "lost"])
    state.append(h("option", { value: s }, s));
  const text = h("input", {
    type: "search",
    id: "filter-text",
    placeholder: "name, id, tag or sweep",
    "aria-label": "filter by name, id, tag or sweep",
  });
  const compare = h(
    "button",
    { type: "button", id: "compare", disabled: true },
    "Compare selected",
  );
  const count = h("span", { class: "muted", id: "count" });
  const tbody = h("tbody");
  const table = h(
    "table",
    { id: "runs" },
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        h("th", {}, h("span", { class: "muted" }, "✓")),
        ...["Run", "State", "Host", "GPUs"].map((t) => h("th", {}, t)),
        ...["Step", "Loss", "Eval loss", "Tokens/s", "ETA", "Age"].map((t) =>
          h("th", { class: "num" }, t),
        ),
        h("th", {}, "Tags / sweep"),
      ),
    ),
    tbody,
  );
  main.replaceChildren(
    h("h1", {}, "Runs"),
    h("div", { class: "filters" }, state, text, compare, count),
    table,
  );

  const matches = (row: RunRow) => {
    const s = state.value;
    const active = !["succeeded", "failed", "cancelled", "lost"].includes(row.state);
    if (s === "active" ? !active : s !== "" && row.state !== s) return false;
    const q = text.value.trim().toLowerCase();
    if (q === "") return true;
    return [row.id, row.name, row.sweep ?? "", ...row.tags].some((v) =>
      v.toLowerCase().includes(q),
    );
  };
  let pending = false;
  const render = () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      const shown = [...rows.values()]
        .filter(matches)
        .sort((a, b) => b.created_at.localeCompare(a.created_at));
      tbody.replaceChildren(...shown.map(renderRow));
      count.textContent = `${shown.length} of ${rows.size} runs`;
      compare.disabled = selected.size < 2;
    });
  };
  const renderRow = (row: RunRow) => {
    const box = h("input", {
      type: "checkbox",
      "aria-label": `select ${row.id}`,
      checked: selected.has(row.id),
      // compare reads the workspace's own registry
      disabled: row.remote,
      onchange: (e: Event) => {
        if ((e.target as HTMLInputElement).checked) selected.add(row.id);
        else selected.delete(row.id);
        compare.disabled = selected.size < 2;
      },
    });
    return h(
      "tr",
      {
        "data-run": row.id,
        "data-state": row.state,
        "data-step": row.step ?? "",
        "data-remote": row.remote,
      },
      h("td", {}, box),
      h(
        "td",
        {},
        h("a", { href: `#/run/${encodeURIComponent(row.id)}` }, row.id),
        row.remote &&
          h("span", { class: "badge", title: "read from the bucket's mirror" }, "bucket"),
      ),
      h(
        "td",
        { class: stateClass(row.state) },
        row.unreachable_since ? `${row.state} (unreachable)` : row.state,
      ),
      h("td", {}, row.host ?? "–"),
      h("td", {}, row.gpus.length > 0 ? row.gpus.join(",") : "–"),
      h(
        "td",
        { class: "num step" },
        row.step === null ? "–" : `${row.step}/${row.total_steps ?? "?"}`,
      ),
      h("td", { class: "num" }, num(row.loss)),
      h("td", { class: "num" }, num(row.eval_loss)),
      h("td", { class: "num" }, num(row.tokens_per_s, 0)),
      h("td", { class: "num" }, duration(row.eta_s)),
      h("td", { class: "num" }, age(row.created_at)),
      h(
        "td",
        { class: "muted" },
        [...row.tags, ...(row.sweep ? [`sweep ${row.sweep}`] : [])].join(" · "),
      ),
    );
  };
  state.addEventListener("change", render);
  text.addEventListener("input", render);
  compare.addEventListener("click", () => {
    location.hash = `#/compare/${[...selected].map(encodeURIComponent).join(",")}`;
  });
  listen(
    "/api/events",
    {
      rows: (data) => {
        rows.clear();
        for (const row of (data as { runs: RunRow[] }).runs) rows.set(row.id, row);
        render();
      },
      changed: (data) => {
        const { runs, removed } = data as { runs: RunRow[]; removed: string[] };
        for (const row of runs) rows.set(row.id, row);
        for (const id of removed) rows.delete(id);
        render();
      },
    },
    signal,
    setLive,
  );
}
