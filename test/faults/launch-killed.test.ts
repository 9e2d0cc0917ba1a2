// Fault scenario 4: tunectl is SIGKILLed while it launches a run on h3's (fake) GPU with the
// process runtime. `ps` then tells the truth (failed, or adopted as running when the trainer
// did start), no GPU lease outlives the run, and a rerun on the same GPU works.
import { existsSync } from "node:fs";
import path from "node:path";
import { beforeAll, expect, it } from "vitest";
import { loadTestbed } from "../setup/testbed.js";
import {
  builtCli,
  expectedLines,
  faultLine,
  lossesAgainst,
  metrics,
  privateWorkspace,
  processRuntime,
  record,
  runNamed,
  runStarted,
  savedSteps,
  localCheckpoints,
  startTunectl,
  tinyConfig,
  tinySets,
  tunectl,
  waitFor,
  writeResult,
} from "./fault-kit.js";

const tb = loadTestbed();
const steps = 8;
const every = 4;
const sets = tinySets(steps, every, ["resources.gpus=1", "retry.max_restarts=0"]);
let ws: string;

beforeAll(async () => {
  await builtCli();
  ws = await privateWorkspace(tb, { h3: processRuntime });
});

/** Run ids holding a GPU lease on h3. */
async function leaseHolders(): Promise<string[]> {
  const leases = `${tb.host("h3").workdir}/leases`;
  const result = await tb.ssh(
    "h3",
    `for f in ${leases}/gpu-*/holder; do [ -f "$f" ] && head -n 1 "$f"; done; true`,
  );
  if (result.code !== 0) throw new Error(`reading leases on h3: ${result.stderr}`);
  return result.stdout.split("\n").filter((line) => line.trim() !== "");
}

/** Trainer processes of a run on h3 (their command line names the run's directory). */
async function trainerProcesses(runId: string): Promise<string[]> {
  const result = await tb.ssh("h3", "ps -eo args");
  return result.stdout
    .split("\n")
    .filter((line) => line.includes(runId) && line.includes("trainer"));
}

/**
 * Start a run on h3's GPU and SIGKILL tunectl while it is launching: `before` the trainer
 * started, or `after` (its pid file is on the host, the record still says launching).
 */
async function killedWhileLaunching(when: "before" | "after"): Promise<string> {
  // h3's one GPU is shared with other runs on the testbed: wait for it, and start over when
  // another run took it first or the moment was missed.
  for (let round = 0; round < 4; round++) {
    await waitFor(async () => (await leaseHolders()).length === 0, 180_000, "h3's GPU free");
    const name = `fault-launch-${when}${round}`;
    const launching = startTunectl(tb, ws, [
      "run",
      tinyConfig,
      "--host",
      "h3",
      "--name",
      name,
      ...sets,
    ]);
    const candidate = await runStarted(ws, name, launching);
    const pidFile = path.join(tb.host("h3").workdir, "runs", candidate, "attempt-1.pid");
    const reached = await waitFor(
      async () => {
        const { state } = await record(ws, candidate);
        if (state !== "launching")
          return ["pending", "staging", "placing"].includes(state) ? undefined : state;
        return when === "before" || existsSync(pidFile) ? "kill" : undefined;
      },
      120_000,
      `${candidate} launching`,
      5,
    );
    if (reached === "kill") {
      launching.child.kill("SIGKILL");
      await launching.done;
      return candidate;
    }
    launching.child.kill("SIGKILL");
    await launching.done;
    await tunectl(tb, ws, ["cancel", "--force", candidate]);
  }
  throw new Error(`never caught a launch ${when} its trainer started`);
}

it.each(["before", "after"] as const)(
  "4. tunectl killed while launching (%s the trainer started) -> no lease leaks, ps shows the truth, a rerun works",
  async (when) => {
    const id = await killedWhileLaunching(when);
    const ps = await tunectl(tb, ws, ["--json", "ps", "--all"]);
    expect(ps.code, ps.stderr).toBe(0);
    const shown = (
      JSON.parse(ps.stdout) as { runs: Array<{ id: string; state: string }> }
    ).runs.find((row) => row.id === id);
    expect(when === "after" ? ["running"] : ["failed", "running"]).toContain(shown?.state);
    if (shown!.state === "failed") {
      expect((await record(ws, id)).attempts[0]!.error?.code).toBe("launch.interrupted");
      // Failed means nothing runs: no trainer appears later, no lease is held.
      await new Promise((resolve) => setTimeout(resolve, 3000));
      expect(await trainerProcesses(id)).toEqual([]);
    } else {
      // Adopted: it holds its lease while it runs, and ends on its own.
      expect(await leaseHolders()).toContain(id);
      const attached = await tunectl(tb, ws, ["attach", id]);
      expect(attached.code, attached.stderr).toBe(0);
    }
    expect(await leaseHolders()).not.toContain(id);

    await waitFor(async () => (await leaseHolders()).length === 0, 180_000, "h3's GPU free");
    const rerun = await tunectl(tb, ws, [
      "run",
      tinyConfig,
      "--host",
      "h3",
      "--name",
      `fault-rerun-${when}`,
      ...sets,
    ]);
    expect(rerun.code, rerun.stderr).toBe(0);
    const rerunId = await runNamed(ws, `fault-rerun-${when}`);
    const finished = await record(ws, rerunId);
    expect(finished.state).toBe("succeeded");
    expect(finished.attempts[0]!.gpus).toEqual([0]);
    const holders = await leaseHolders();
    const completed = shown!.state === "running" ? id : rerunId;
    const lost = lossesAgainst(
      await metrics(ws, completed),
      expectedLines(steps, every),
      steps,
      await localCheckpoints(ws, completed),
      savedSteps(steps, every),
    );
    const scenario = `4${when === "before" ? "a" : "b"} tunectl SIGKILLed while launching, ${when} the trainer started (ps: ${shown!.state})`;
    const survived =
      !holders.includes(id) &&
      !holders.includes(rerunId) &&
      lost.steps + lost.metricLines + lost.checkpoints === 0;
    await writeResult("faults", scenario.split(" (ps")[0]!, faultLine(scenario, survived, lost));
    expect(holders).not.toContain(rerunId);
    expect(lost).toEqual({ steps: 0, metricLines: 0, checkpoints: 0 });
  },
);
