import { compareView } from "./compare-view.js";
import { gpusView, sweepsView } from "./fleet-views.js";
import { h } from "./dom.js";
import { runView } from "./run-view.js";
import { runsView } from "./runs-view.js";

const main = document.getElementById("main")!;
const live = document.getElementById("live")!;
let current: AbortController | null = null;

const setLive = (open: boolean) => {
  live.textContent = open ? "live" : "reconnecting…";
  live.dataset.live = String(open);
};

/** Hash routes: #/runs, #/run/ID[?axis=step|time|tokens], #/compare/ID,ID, #/sweeps, #/gpus. */
async function route(): Promise<void> {
  current?.abort();
  const view = new AbortController();
  current = view;
  const [path, query = ""] = location.hash.replace(/^#/, "").split("?");
  const parts = (path ?? "").split("/").filter(Boolean).map(decodeURIComponent);
  const params = new URLSearchParams(query);
  try {
    if (parts[0] === "run" && parts[1]) {
      const axis = params.get("axis");
      await runView(
        main,
        parts[1],
        view.signal,
        setLive,
        axis === "time" || axis === "tokens" ? axis : "step",
      );
    } else if (parts[0] === "gpus") {
      await gpusView(main);
    } else if (parts[0] === "sweeps") {
      await sweepsView(main);
    } else if (parts[0] === "compare" && parts[1]) {
      await compareView(main, parts[1].split(","));
    } else {
      runsView(main, view.signal, setLive);
    }
  } catch (error) {
    if (!view.signal.aborted)
      main.replaceChildren(h("p", { class: "error", role: "alert" }, (error as Error).message));
  }
}

const themeButton = document.getElementById("theme")!;
const applyTheme = (theme: string | null) => {
  if (theme) document.documentElement.dataset.theme = theme;
  else delete document.documentElement.dataset.theme;
  const dark = theme ? theme === "dark" : matchMedia("(prefers-color-scheme: dark)").matches;
  themeButton.textContent = dark ? "☀ light" : "☾ dark";
};
applyTheme(localStorage.getItem("tunectl-theme"));
matchMedia("(prefers-color-scheme: dark)").addEventListener("change", () =>
  applyTheme(localStorage.getItem("tunectl-theme")),
);
themeButton.addEventListener("click", () => {
  const dark = getComputedStyle(document.documentElement).colorScheme === "dark";
  const next = dark ? "light" : "dark";
  localStorage.setItem("tunectl-theme", next);
  applyTheme(next);
});

window.addEventListener("hashchange", () => void route());
void route();
