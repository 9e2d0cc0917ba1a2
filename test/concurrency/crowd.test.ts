// Eight tunectl processes at once on one workspace, as a sweep or a few terminals would:
// rendering and staging the same data, creating runs, cancelling and listing them. Real
// processes of the built CLI, real trainers (the embedded host `local`, process runtime).
// Each scenario prints `scenario <name> | held yes|no` and fails on the first broken rule:
// no exit 1, no torn record, one cache entry, every run in a true state.
import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { rm } from "node:fs/promises";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  badExits,
  cacheEntries,
  crowd,
  freshWorkspace,
  lastLoggedState,
  runRecords,
  scenarioLine,
  tinyConfig,
  trainerAlive,
  tunectl,
  type RunJson,
} from "./crowd.js";

// Long enough to be running when cancelled; checkpoints only on the cancel's SIGTERM.
const longRun = ["--set", "train.max_steps=5000", "--set", "train.save_steps=5000"];
const terminal = ["succeeded", "failed", "cancelled", "lost"];
const workspaces: string[] = [];
let runsWs = "";
let runIds: string[] = [];

afterAll(async () => {
  // Nothing left training: a trainer of a failed scenario is stopped here, by its own pid.
  for (const ws of workspaces) {
    const { runs } = await runRecords(ws);
    for (const pid of runs.flatMap((run) => run.attempts.map((a) => Number(a.handle))))
      if (pid > 0 && trainerAlive(pid)) process.kill(pid, "SIGKILL");
    if (process.env.TUNECTL_KEEP_CROWD !== "1") await rm(ws, { recursive: true, force: true });
  }
});

function report(name: string, problems: string[]) {
  console.log(scenarioLine(name, problems));
  expect(problems).toEqual([]);
}

const list = (dir: string) => (existsSync(dir) ? readdirSync(dir) : []);

/** The bucket (local store) holds one dataset, whose manifest every staged marker names. */
function stagingProblems(ws: string, fingerprint: string): string[] {
  const problems: string[] = [];
  const datasets = list(path.join(ws, ".tunectl", "store", "datasets"));
  if (datasets.length !== 1 || datasets[0] !== fingerprint)
    problems.push(`the store holds datasets ${datasets.join(", ")}; expected only ${fingerprint}`);
  const storeDir = path.join(ws, ".tunectl", "store", "datasets", fingerprint);
  if (!existsSync(path.join(storeDir, "manifest.json"))) return [...problems, "no manifest staged"];
  const leftovers = readdirSync(storeDir).filter((name) => name.includes("tmp"));
  if (leftovers.length) problems.push(`upload leftovers in the store: ${leftovers.join(", ")}`);
  const manifest = readFileSync(path.join(storeDir, "manifest.json"));
  const sha = createHash("sha256").update(manifest).digest("hex");
  const markers = list(path.join(ws, ".tunectl", "cache", "staged")).filter((name) =>
    name.endsWith(".json"),
  );
  if (markers.length !== 1) problems.push(`${markers.length} staged markers, expected 1`);
  for (const name of markers) {
    const marker = JSON.parse(
      readFileSync(path.join(ws, ".tunectl", "cache", "staged", name), "utf8"),
    ) as { files: { name: string; sha256: string }[] };
    const named = marker.files.find((f) => f.name === "manifest.json")?.sha256;
    if (named !== sha)
      problems.push(`staged marker ${name} names manifest ${named}, the store holds ${sha}`);
  }
  return problems;
}

/** The local host's caches (dataset, trainer package): one copy each, nothing nested or left over. */
function hostCacheProblems(ws: string): string[] {
  const problems: string[] = [];
  const hostDir = path.join(ws, ".tunectl", "hosts", "local");
  for (const [what, allowed] of [
    ["datasets", ["train.jsonl", "eval.jsonl", "manifest.json", ".complete"]],
    ["trainer", ["trainer", ".complete"]],
  ] as const) {
    const entries = list(path.join(hostDir, what));
    if (entries.length !== 1) problems.push(`host ${what}: ${entries.join(", ")}; expected one`);
    for (const entry of entries) {
      const extra = readdirSync(path.join(hostDir, what, entry)).filter(
        (name) => !(allowed as readonly string[]).includes(name),
      );
      if (extra.length) problems.push(`host ${what}/${entry} holds ${extra.join(", ")}`);
    }
  }
  return problems;
}

async function cacheProblems(ws: string, fingerprints: Set<string>): Promise<string[]> {
  const { entries, leftovers } = await cacheEntries(ws);
  const problems: string[] = [];
  if (fingerprints.size !== 1)
    problems.push(`the processes saw ${fingerprints.size} fingerprints: ${[...fingerprints]}`);
  if (entries.length !== 1) problems.push(`${entries.length} cache entries, expected one`);
  if (leftovers.length) problems.push(`cache leftovers: ${leftovers.join(", ")}`);
  return problems;
}

/** Run records that disagree with what is true: the trainer's process, the event log. */
async function truthProblems(ws: string, runs: RunJson[]): Promise<string[]> {
  const problems: string[] = [];
  for (const run of runs) {
    const attempt = run.attempts[run.attempts.length - 1]!;
    const pid = Number(attempt.handle);
    const alive = pid > 0 && trainerAlive(pid);
    if (terminal.includes(run.state) && alive)
      problems.push(`run ${run.id} is ${run.state} but its trainer (pid ${pid}) runs`);
    if (run.state === "running" && !alive)
      problems.push(`run ${run.id} is running but its trainer (pid ${pid || "none"}) is gone`);
    if (attempt.state !== run.state)
      problems.push(`run ${run.id} is ${run.state}, its attempt ${attempt.state}`);
    const logged = await lastLoggedState(ws, run.id);
    if (logged !== run.state)
      problems.push(`run ${run.id} is ${run.state}, its events end in ${logged}`);
  }
  return problems;
}

describe("eight tunectl processes on one workspace", () => {
  it("render and stage the same data at once: one cache entry, one staging", async () => {
    const ws = await freshWorkspace();
    workspaces.push(ws);
    const results = await crowd(
      [
        ...Array.from({ length: 4 }, () => ["data", "stage", tinyConfig, "--json"]),
        ...Array.from({ length: 4 }, () => ["run", tinyConfig, "--dry-run", "--json"]),
      ],
      ws,
    );
    const problems = badExits(results);
    if (problems.length === 0) {
      const staged = results.slice(0, 4).map((r) => JSON.parse(r.stdout) as StageJson);
      const plans = results.slice(4).map((r) => (JSON.parse(r.stdout) as PlanJson).plan);
      const fingerprints = new Set([
        ...staged.map((s) => s.fingerprint),
        ...plans.map((p) => p.dataset.fingerprint),
      ]);
      problems.push(...(await cacheProblems(ws, fingerprints)));
      const uploads = staged.filter((s) => s.uploaded).length;
      if (uploads !== 1) problems.push(`${uploads} of 4 stagers uploaded, expected exactly 1`);
      problems.push(...stagingProblems(ws, staged[0]!.fingerprint));
    }
    report("render+stage: 4 data stage + 4 run --dry-run, cold cache", problems);
  });

  it("create eight runs at once: eight records, one cache entry, every trainer running", async () => {
    runsWs = await freshWorkspace();
    workspaces.push(runsWs);
    const results = await crowd(
      Array.from({ length: 8 }, () => ["run", tinyConfig, "--detach", "--json", ...longRun]),
      runsWs,
    );
    const problems = badExits(results);
    const { runs, problems: torn } = await runRecords(runsWs);
    problems.push(...torn);
    if (problems.length === 0) {
      runIds = results.map((r) => (JSON.parse(r.stdout) as { run: string }).run);
      if (new Set(runIds).size !== 8) problems.push(`run ids not unique: ${runIds.join(", ")}`);
      if (runs.length !== 8) problems.push(`${runs.length} run records, expected 8`);
      problems.push(
        ...(await cacheProblems(
          runsWs,
          new Set(runs.map((run) => run.dataset?.fingerprint ?? "")),
        )),
      );
      problems.push(...stagingProblems(runsWs, runs[0]!.dataset!.fingerprint));
      problems.push(...hostCacheProblems(runsWs));
      problems.push(...(await truthProblems(runsWs, runs)));
      const notRunning = runs.filter((run) => run.state !== "running");
      if (notRunning.length)
        problems.push(`not running: ${notRunning.map((r) => `${r.id} ${r.state}`).join(", ")}`);
    }
    report("runs: 8 run --detach, cold cache, real trainers", problems);
  });

  it("cancel and list at once: every run ends cancelled, records whole and true", async () => {
    expect(runIds).toHaveLength(8);
    const [a, b, c, d, e, f, g, h] = runIds as Eight;
    // Round one: five cancels (one run cancelled twice at once) beside ps and show.
    const first = await crowd(
      [
        ["cancel", a],
        ["cancel", b],
        ["cancel", c],
        ["cancel", d],
        ["cancel", d],
        ["ps", "--json"],
        ["show", e, "--json"],
        ["ps", "--all", "--json"],
      ],
      runsWs,
    );
    // Round two: the rest, beside more listing.
    const second = await crowd(
      [
        ["cancel", e],
        ["cancel", f],
        ["cancel", g],
        ["cancel", h],
        ["ps", "--json"],
        ["ps", "--all", "--json"],
        ["show", a, "--json"],
        ["show", h, "--json"],
      ],
      runsWs,
    );
    // The second cancel of one run may find it ended already: a user error, not a bug.
    const problems = [...badExits(first, [0, 2]), ...badExits(second)];
    const doubled = first.slice(3, 5).filter((r) => r.code === 0).length;
    if (doubled === 0) problems.push(`neither cancel of ${d} succeeded`);
    for (const r of [...first, ...second].filter((x) => x.args.includes("--json") && x.code === 0))
      try {
        JSON.parse(r.stdout);
      } catch {
        problems.push(`\`tunectl ${r.args.join(" ")}\` printed JSON that does not parse`);
      }
    const listed = await tunectl(["ps", "--all", "--json"], runsWs);
    problems.push(...badExits([listed]));
    const { runs, problems: torn } = await runRecords(runsWs);
    problems.push(...torn);
    problems.push(...(await truthProblems(runsWs, runs)));
    const notCancelled = runs.filter((run) => run.state !== "cancelled");
    if (notCancelled.length)
      problems.push(`not cancelled: ${notCancelled.map((r) => `${r.id} ${r.state}`).join(", ")}`);
    report("cancel+list: 9 cancels (one run twice) beside ps and show", problems);
  });
});

type Eight = [string, string, string, string, string, string, string, string];
interface StageJson {
  fingerprint: string;
  uploaded: boolean;
}
interface PlanJson {
  plan: { dataset: { fingerprint: string } };
}
