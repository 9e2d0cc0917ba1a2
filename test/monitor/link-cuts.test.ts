// Streams that heal: real tiny runs on the testbed whose host link is cut (5 s, TCP survives;
// 15 s, past the stream's heartbeat; 90 s, past SSH keepalive and sshd's ClientAlive) or whose
// sshd restarts, each with one run attached (`tunectl run`) and one detached (followed by
// `logs -f` through the fault, or only afterwards, and by `attach` afterwards). Every run must
// end with its local metrics and log byte-identical to the host's, every follower must exit
// with the run, and no stream loop may be left on the host. Hosts work in parallel: h1, h2 and
// h3 take one cut each; the sshd restart follows on h1.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadTestbed } from "../setup/testbed.js";
import {
  builtCli,
  privateWorkspace,
  record,
  runStarted,
  startTunectl,
  streamedStep,
  tinyConfig,
  tinySets,
  tunectl,
  waitFor,
  writeResult,
  type Tunectl,
} from "../faults/fault-kit.js";
import {
  copies,
  exitTime,
  lineCount,
  restartSshd,
  streamLoopsOf,
  trainerExitedAt,
} from "./link-cut-kit.js";

const tb = loadTestbed();
let ws: string;
const cutHosts = new Set<string>();

beforeAll(async () => {
  await builtCli();
  ws = await privateWorkspace(tb);
  // render the dataset once, so the runs below do not all render it at the same moment
  const plan = await tunectl(tb, ws, ["run", tinyConfig, "--dry-run", ...tinySets(4, 2)]);
  expect(plan.code, plan.stderr).toBe(0);
});

afterAll(async () => {
  for (const host of cutHosts) await tb.restore(host);
});

interface Follower {
  name: string;
  started: Tunectl;
  exitedAt: Promise<number>;
}

function follow(name: string, args: string[]): Follower {
  const started = startTunectl(tb, ws, args, {}, 600_000);
  return { name, started, exitedAt: exitTime(started) };
}

interface Scenario {
  label: string;
  host: string;
  steps: number;
  /** The fault, inflicted once both runs stream. */
  fault(host: string): Promise<void>;
  /** `logs -f` follows the detached run through the fault (else it starts afterwards). */
  logsThroughFault: boolean;
}

async function cutFor(host: string, seconds: number): Promise<void> {
  await tb.cut(host);
  cutHosts.add(host);
  try {
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  } finally {
    await tb.restore(host);
    cutHosts.delete(host);
  }
}

/** Both runs of a scenario, its fault, and what each left behind. */
async function scenario(s: Scenario): Promise<void> {
  const sets = tinySets(s.steps, 40, ["train.eval_steps=1000"]);
  const base = `${s.label.replace(/[^a-z0-9]+/g, "-")}`;
  const detached = await tunectl(tb, ws, [
    "run",
    tinyConfig,
    "--host",
    s.host,
    "--name",
    `${base}-d`,
    "--detach",
    "--json",
    ...sets,
  ]);
  expect(detached.code, detached.stderr).toBe(0);
  const detachedId = (JSON.parse(detached.stdout) as { run: string }).run;
  const followers: Follower[] = [];
  if (s.logsThroughFault) followers.push(follow("logs -f", ["logs", detachedId, "-f"]));
  const attached = follow("run", [
    "run",
    tinyConfig,
    "--host",
    s.host,
    "--name",
    `${base}-a`,
    ...sets,
  ]);
  followers.push(attached);
  const attachedId = await runStarted(ws, `${base}-a`, attached.started);
  const streaming = [attachedId, ...(s.logsThroughFault ? [detachedId] : [])];
  await waitFor(
    async () => {
      for (const id of streaming) if ((await streamedStep(ws, id)) < 3) return false;
      return true;
    },
    240_000,
    `the first steps of ${streaming.join(", ")} streamed`,
  );
  await s.fault(s.host);
  if (!s.logsThroughFault) followers.push(follow("logs -f", ["logs", detachedId, "-f"]));
  followers.push(follow("attach", ["attach", detachedId]));

  const ended = await Promise.all(
    followers.map(async (f) => ({ ...f, result: await f.started.done, at: await f.exitedAt })),
  );
  const lines: string[] = [];
  for (const id of [attachedId, detachedId]) {
    const mode = id === attachedId ? "attached" : "detached";
    const run = await record(ws, id);
    const files = await copies(ws, id);
    const trainerExit = await trainerExitedAt(ws, id);
    const mine = ended.filter((f) => (id === attachedId ? f.name === "run" : f.name !== "run"));
    lines.push(
      `${s.label}, ${mode} | metrics ${lineCount(files.localMetrics)} of ${lineCount(files.hostMetrics)} lines, ` +
        `log ${files.localLog.length} of ${files.hostLog.length} bytes | ` +
        mine
          .map(
            (f) =>
              `${f.name} exit ${f.result.code} ${((f.at - trainerExit) / 1000).toFixed(1)} s after the trainer`,
          )
          .join(", "),
    );
    for (const f of mine) expect(f.result.code, `${f.name} ${id}: ${f.result.stderr}`).toBe(0);
    expect(run.state).toBe("succeeded");
    expect(run.attempts[0]!.final_step).toBe(s.steps);
    expect(files.hostMetrics.length).toBeGreaterThan(0);
    expect(files.localMetrics.equals(files.hostMetrics), `${mode} metrics.jsonl`).toBe(true);
    expect(files.localLog.equals(files.hostLog), `${mode} attempt-1.log`).toBe(true);
    // the host's side of every channel ended with it (a loop ends on its next heartbeat)
    for (let i = 0; i < 60 && (await streamLoopsOf(ws, id)).length > 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(await streamLoopsOf(ws, id)).toEqual([]);
  }
  for (const line of lines) await writeResult("link-cuts", line.split(" |")[0]!, line);
}

describe("streams that heal", () => {
  it.concurrent("a 5 s cut (TCP survives) on h1", () =>
    scenario({
      label: "5 s cut",
      host: "h1",
      steps: 120,
      fault: (h) => cutFor(h, 5),
      logsThroughFault: true,
    }),
  );
  it.concurrent("a 15 s cut (past the heartbeat) on h2", () =>
    scenario({
      label: "15 s cut",
      host: "h2",
      steps: 120,
      fault: (h) => cutFor(h, 15),
      logsThroughFault: true,
    }),
  );
  it.concurrent("a 90 s cut (past keepalive) on h3; the runs end during it", () =>
    scenario({
      label: "90 s cut",
      host: "h3",
      steps: 120,
      fault: (h) => cutFor(h, 90),
      logsThroughFault: false,
    }),
  );
});

describe("streams that heal after sshd restarts", () => {
  it("sshd restarted mid-stream on h1, its sessions with it", async () => {
    await scenario({
      label: "sshd restart",
      host: "h1",
      steps: 80,
      fault: async (h) => expect(await restartSshd(tb, h, 5_000)).toBeGreaterThan(0),
      logsThroughFault: true,
    });
  });
});
