import type { GpuRow } from "../../monitor/index.js";
import type { RunGpus } from "../run-gpus.js";
import { getJson } from "./api.js";
import { h } from "./dom.js";

const refreshMs = 10_000;

/**
 * The run page's GPUs section: only the GPUs the run holds, probed on its host, read again
 * every 10 s while the page is open and the run holds them.
 */
export function runGpusSection(runId: string, signal: AbortSignal): HTMLElement {
  const box = h(
    "div",
    { id: "run-gpus", "data-state": "probing" },
    h("p", { class: "muted" }, "probing…"),
  );
  const load = async () => {
    const gpus = await getJson<RunGpus>(`/api/runs/${encodeURIComponent(runId)}/gpus`).catch(
      (error: unknown) => ({ state: "error", message: (error as Error).message }) as const,
    );
    if (signal.aborted) return;
    box.dataset.state = gpus.state;
    box.replaceChildren(
      gpus.state === "error" ? h("p", { class: "error" }, gpus.message) : body(gpus),
    );
    if (gpus.state === "held") setTimeout(() => void load(), refreshMs);
  };
  void load();
  return box;
}

function body(gpus: RunGpus): HTMLElement {
  const list = (indices: number[]) => indices.join(", ") || "none";
  switch (gpus.state) {
    case "unplaced":
      return h("p", { class: "muted" }, "not placed on a host yet");
    case "cpu":
      return h("p", { class: "muted" }, `no GPUs (CPU run on ${gpus.host})`);
    case "released":
      return h("p", { class: "muted" }, `released: held GPU ${list(gpus.gpus)} on ${gpus.host}`);
    case "remote":
      return h(
        "p",
        { class: "muted" },
        `GPU ${list(gpus.gpus)} on ${gpus.host}, a host of the workspace that started the run`,
      );
    case "unreachable":
      return h(
        "p",
        { class: "error" },
        `${gpus.host} unreachable (${gpus.error}); GPU ${list(gpus.gpus)}`,
      );
    case "held":
      if (gpus.gpus.length === 0)
        return h("p", { class: "muted" }, `${gpus.host} reports none of this run's GPUs`);
      return h(
        "table",
        {},
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            ...["Host", "GPU", "Name", "Util", "Memory", "Temp", "Power"].map((t) =>
              h("th", {}, t),
            ),
          ),
        ),
        h(
          "tbody",
          {},
          gpus.gpus.map((g) =>
            h(
              "tr",
              { "data-gpu": `${g.host}:${g.index}` },
              h("td", {}, g.host),
              h("td", {}, g.index),
              h("td", {}, g.name ?? "–"),
              ...gpuMeasures(g),
              h("td", { class: "num" }, g.power_w === null ? "–" : `${g.power_w} W`),
            ),
          ),
        ),
      );
  }
}

/** Utilisation, memory and temperature cells of a GPU row (the GPUs page shows them too). */
export function gpuMeasures(g: GpuRow): HTMLElement[] {
  return [
    h("td", { class: "num" }, g.utilization_pct === null ? "–" : `${g.utilization_pct}%`),
    h(
      "td",
      { class: "num" },
      g.memory_total_mib === null ? "–" : `${g.memory_used_mib ?? "?"}/${g.memory_total_mib} MiB`,
    ),
    h("td", { class: "num" }, g.temperature_c === null ? "–" : `${g.temperature_c} °C`),
  ];
}
