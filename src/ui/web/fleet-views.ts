import type { GpuRow } from "../../monitor/index.js";
import type { Leaderboard } from "../../sweep/index.js";
import { getJson } from "./api.js";
import { h } from "./dom.js";
import { fmtValue, num, stateClass } from "./format.js";
import { parallelCoordinates } from "./parallel-coords.js";
import { gpuMeasures } from "./run-gpus-view.js";

const runLink = (id: string | null | undefined) =>
  id ? h("a", { href: `#/run/${encodeURIComponent(id)}` }, id) : "free";

/** Every host's GPUs, as `tunectl gpus` probes them, and which run holds each. */
export async function gpusView(main: HTMLElement): Promise<void> {
  main.replaceChildren(h("h1", {}, "GPUs"), h("p", { class: "muted" }, "probing hosts…"));
  const { gpus } = await getJson<{ gpus: GpuRow[] }>("/api/gpus");
  const rows = gpus.map((g) =>
    h(
      "tr",
      {},
      h("td", {}, g.host),
      h("td", {}, g.index ?? "–"),
      h(
        "td",
        {},
        g.reachable
          ? (g.name ?? (g.error ? `error: ${g.error}` : "no GPUs"))
          : `unreachable: ${g.error}`,
      ),
      ...gpuMeasures(g),
      h("td", {}, g.index === null ? "–" : runLink(g.run_id)),
    ),
  );
  main.replaceChildren(
    h("h1", {}, "GPUs"),
    h(
      "table",
      { id: "gpus" },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          ...["Host", "GPU", "Name", "Util", "Memory", "Temp", "Run"].map((t) => h("th", {}, t)),
        ),
      ),
      h("tbody", {}, rows),
    ),
  );
}

/** Each sweep's leaderboard: trials best first, their parameters, state and best metric. */
export async function sweepsView(main: HTMLElement): Promise<void> {
  const { sweeps } = await getJson<{ sweeps: Leaderboard[] }>("/api/sweeps");
  if (sweeps.length === 0) {
    main.replaceChildren(
      h("h1", {}, "Sweeps"),
      h("p", { class: "muted" }, "no sweeps in this workspace"),
    );
    return;
  }
  main.replaceChildren(
    h("h1", {}, "Sweeps"),
    ...sweeps.map((sweep) => {
      const params = [...new Set(sweep.trials.flatMap((t) => Object.keys(t.params)))];
      return h(
        "section",
        { "data-sweep": sweep.id },
        h(
          "h2",
          {},
          `${sweep.name} `,
          h(
            "span",
            { class: "muted" },
            `${sweep.id} · ${sweep.method} · ${sweep.metric.goal} ${sweep.metric.name}`,
          ),
        ),
        h(
          "div",
          { class: "sweep-views" },
          leaderboard(sweep, params),
          h("figure", {}, parallelCoordinates(sweep)),
        ),
      );
    }),
  );
}

function leaderboard(sweep: Leaderboard, params: string[]): HTMLElement {
  return h(
    "table",
    { class: "leaderboard" },
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        h("th", {}, "#"),
        h("th", {}, "Trial"),
        ...params.map((p) => h("th", {}, p)),
        h("th", {}, "State"),
        h("th", { class: "num" }, "Best"),
        h("th", {}, "Run"),
      ),
    ),
    h(
      "tbody",
      {},
      sweep.trials.map((t, i) =>
        h(
          "tr",
          {},
          h("td", {}, i + 1),
          h("td", {}, t.trial),
          ...params.map((p) => h("td", {}, fmtValue(t.params[p]))),
          h("td", { class: stateClass(t.state) }, t.state),
          h(
            "td",
            { class: "num" },
            `${num(t.best)}${t.best_step === undefined ? "" : ` @ ${t.best_step}`}`,
          ),
          h("td", {}, t.run ? runLink(t.run) : "–"),
        ),
      ),
    ),
  );
}
