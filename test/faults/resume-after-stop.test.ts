// Fault scenarios 1 and 6: a trainer container killed mid-training, and a run stopped with
// `tunectl cancel`, are each continued by `tunectl resume` to the configured final step with
// the same per-step losses as an uninterrupted run of the same seed (run alongside on h3).
import { beforeAll, describe, expect, it } from "vitest";
import { loadTestbed } from "../setup/testbed.js";
import {
  builtCli,
  faultLine,
  localCheckpoints,
  lossByStep,
  lossesAgainst,
  metrics,
  privateWorkspace,
  record,
  runNamed,
  runStarted,
  startTunectl,
  streamedStep,
  tinyConfig,
  tinySets,
  tunectl,
  waitFor,
  writeResult,
} from "./fault-kit.js";
import type { MetricLine } from "../../src/runs/index.js";

const tb = loadTestbed();
const steps = 16;
const every = 4;
// No automatic retry: these scenarios resume by hand.
const sets = tinySets(steps, every, ["retry.max_restarts=0"]);
let ws: string;
let reference: Promise<{ lines: MetricLine[]; checkpoints: number[] }>;

beforeAll(async () => {
  await builtCli();
  ws = await privateWorkspace(tb);
  reference = (async () => {
    const result = await tunectl(tb, ws, [
      "run",
      tinyConfig,
      "--host",
      "h3",
      "--name",
      "reference",
      ...sets,
    ]);
    if (result.code !== 0) throw new Error(`reference run: exit ${result.code}\n${result.stderr}`);
    const id = await runNamed(ws, "reference");
    return { lines: await metrics(ws, id), checkpoints: await localCheckpoints(ws, id) };
  })();
  reference.catch(() => undefined);
});

/** Start `name` on `host`, attached, and interrupt it with `fault` once step `atStep` streamed. */
async function interrupted(
  name: string,
  host: string,
  atStep: number,
  fault: (id: string) => Promise<void>,
) {
  const attached = startTunectl(tb, ws, [
    "run",
    tinyConfig,
    "--host",
    host,
    "--name",
    name,
    ...sets,
  ]);
  const id = await runStarted(ws, name, attached);
  await waitFor(
    async () => (await streamedStep(ws, id)) >= atStep,
    120_000,
    `step ${atStep} of ${name}`,
  );
  await fault(id);
  const first = await attached.done;
  return { id, first };
}

async function resumedAndCompared(scenario: string, id: string, endedAs: string) {
  const before = await record(ws, id);
  expect(before.state).toBe(endedAs);

  const resumed = await tunectl(tb, ws, ["resume", id]);
  expect(resumed.code, resumed.stderr).toBe(0);
  const after = await record(ws, id);
  const ref = await reference;
  const lines = await metrics(ws, id);
  const lost = lossesAgainst(
    lines,
    ref.lines,
    steps,
    await localCheckpoints(ws, id),
    ref.checkpoints,
  );
  const train = lossByStep(lines, "train");
  const refTrain = lossByStep(ref.lines, "train");
  const resumeStep = after.attempts.at(-1)!.resume_from?.step ?? 0;
  const differing = [...refTrain].filter(
    ([step, loss]) => !(Math.abs((train.get(step) ?? Infinity) - loss) <= 1e-5),
  );
  const survived =
    after.state === "succeeded" &&
    after.attempts.length === 2 &&
    resumeStep > 0 &&
    Math.max(...train.keys()) === steps &&
    differing.length === 0 &&
    lost.steps + lost.metricLines + lost.checkpoints === 0;
  await writeResult("faults", scenario, faultLine(scenario, survived, lost));

  expect(after.state).toBe("succeeded");
  expect(after.attempts.map((a) => a.reason)).toEqual(["launch", "resume"]);
  expect(resumeStep).toBeGreaterThan(0);
  expect(after.attempts.at(-1)!.final_step).toBe(steps);
  expect(differing).toEqual([]);
  // Eval losses too: the same data order after the checkpoint means the same eval numbers.
  const evals = lossByStep(lines, "eval");
  for (const [step, loss] of lossByStep(ref.lines, "eval")) {
    expect(Math.abs((evals.get(step) ?? Infinity) - loss), `eval at ${step}`).toBeLessThanOrEqual(
      1e-5,
    );
  }
  expect(lost).toEqual({ steps: 0, metricLines: 0, checkpoints: 0 });
}

describe.concurrent("resume after a stop", () => {
  it("1. container killed mid-training -> resume -> succeeded with the uninterrupted losses", async () => {
    const { id, first } = await interrupted("fault-kill", "h1", every + 2, async (runId) => {
      const container = (await record(ws, runId)).attempts[0]!.handle!;
      const killed = await tb.ssh("h1", `docker kill ${container}`);
      expect(killed.code, killed.stderr).toBe(0);
    });
    expect(first.code).toBe(4);
    await resumedAndCompared("1 container killed -> resume", id, "failed");
  });

  it("6. run stopped with cancel (SIGTERM) -> resume -> succeeded, no step lost or doubled", async () => {
    const { id, first } = await interrupted("fault-cancel", "h2", every + 2, async (runId) => {
      const cancelled = await tunectl(tb, ws, ["cancel", runId]);
      expect(cancelled.code, cancelled.stderr).toBe(0);
      expect(cancelled.stdout).toContain("cancelled");
    });
    expect(first.code).toBe(4);
    await resumedAndCompared("6 cancel (SIGTERM) -> resume", id, "cancelled");
  });
});
