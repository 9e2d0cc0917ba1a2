// Streams that heal, with real tiny runs on testbed host h1 and real faults: its link cut for
// 5 s (TCP survives), 15 s (past the stream's heartbeat; TCP still survives) and 90 s (past SSH
// keepalive and sshd's ClientAlive), and its sshd restarted with the sessions it forked.
// Two runs live through every fault: one attached (`tunectl run`), one detached (nobody
// follows it through the first two cuts; `logs -f` catches it up afterwards and follows it
// through the rest; `attach` joins after the last cut). The runs end by `cancel` just before
// the 90 s cut, so their trainers exit while h1 is cut off: the runs may only be settled once
// their streams caught up after it. Each fault must heal (local copies reach the host's sizes,
// byte for byte), and at the end every file is byte-identical to the host's, every follower
// exited with its run, and no stream loop is left on the host.
import { readFile } from "node:fs/promises";
import path from "node:path";
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
  tunectl,
  waitFor,
  writeResult,
  type Tunectl,
} from "../faults/fault-kit.js";
import {
  copies,
  healed,
  lineCount,
  restartSshd,
  streamLoopsOf,
  trainerExitedAt,
} from "./link-cut-kit.js";

const tb = loadTestbed();
const host = "h1";
// Far more steps than the test lasts: the runs end by cancel, whatever the machine's speed.
const sets = [
  "train.max_steps=100000",
  "train.save_steps=100000",
  "train.eval_steps=100000",
].flatMap((set) => ["--set", set]);

let ws: string;
let cut = false;
let attachedId: string;
let detachedId: string;
const followers: Array<{ name: string; run: () => string; started: Tunectl; exitedAt?: number }> =
  [];

function follow(name: string, run: () => string, args: string[]): void {
  const started = startTunectl(tb, ws, args, {}, 900_000);
  const entry: (typeof followers)[number] = { name, run, started };
  void started.done.then(() => (entry.exitedAt = Date.now()));
  followers.push(entry);
}

async function cutFor(seconds: number): Promise<void> {
  await tb.cut(host);
  cut = true;
  try {
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  } finally {
    await tb.restore(host);
    cut = false;
  }
}

async function result(scenario: string, line: string): Promise<void> {
  await writeResult("link-cuts", scenario, `${scenario} | ${line}`);
}

beforeAll(async () => {
  await builtCli();
  ws = await privateWorkspace(tb);
});

afterAll(async () => {
  if (cut) await tb.restore(host);
  for (const f of followers) f.started.child.kill("SIGKILL");
});

describe("streams that heal (h1)", () => {
  it("an attached and a detached run stream", async () => {
    const detached = await tunectl(tb, ws, [
      "run",
      tinyConfig,
      "--host",
      host,
      "--name",
      "heal-d",
      "--detach",
      "--json",
      ...sets,
    ]);
    expect(detached.code, detached.stderr).toBe(0);
    detachedId = (JSON.parse(detached.stdout) as { run: string }).run;
    follow("run", () => attachedId, [
      "run",
      tinyConfig,
      "--host",
      host,
      "--name",
      "heal-a",
      ...sets,
    ]);
    attachedId = await runStarted(ws, "heal-a", followers[0]!.started);
    await waitFor(
      async () => (await streamedStep(ws, attachedId)) >= 2,
      300_000,
      `the first steps of ${attachedId} streamed`,
    );
  }, 600_000);

  it("a 5 s cut: the attached stream heals", async () => {
    await cutFor(5);
    const ms = await healed(ws, attachedId);
    await result(
      "5 s cut",
      `attached copy caught up ${(ms / 1000).toFixed(1)} s after the restore`,
    );
  }, 300_000);

  it("a 15 s cut: the attached stream heals", async () => {
    await cutFor(15);
    const ms = await healed(ws, attachedId);
    await result(
      "15 s cut",
      `attached copy caught up ${(ms / 1000).toFixed(1)} s after the restore`,
    );
  }, 300_000);

  it("`logs -f` on the detached run, cut off twice meanwhile, catches it up", async () => {
    follow("logs -f", () => detachedId, ["logs", detachedId, "-f"]);
    const ms = await healed(ws, detachedId);
    await result(
      "detached catch-up",
      `logs -f caught up ${(ms / 1000).toFixed(1)} s after starting`,
    );
  }, 300_000);

  it("sshd restarted with its sessions: both streams heal", async () => {
    expect(await restartSshd(tb, host, 5_000)).toBeGreaterThan(0);
    const attached = await healed(ws, attachedId);
    const detached = await healed(ws, detachedId);
    await result(
      "sshd restart",
      `caught up ${(attached / 1000).toFixed(1)} s (attached) and ${(detached / 1000).toFixed(1)} s (logs -f) after sshd was back`,
    );
  }, 300_000);

  it("cancelled, then a 90 s cut while the trainers exit: settled only once caught up, every follower exits", async () => {
    follow("cancel", () => attachedId, ["cancel", attachedId]);
    follow("cancel", () => detachedId, ["cancel", detachedId]);
    // both trainers got their SIGTERM (they log it) before h1 is cut off
    for (const id of [attachedId, detachedId]) {
      const hostDir = (await record(ws, id)).attempts[0]!.host_dir!;
      await waitFor(
        async () =>
          (await readFile(path.join(hostDir, "output", "logs", "attempt-1.log"), "utf8")).includes(
            "SIGTERM received",
          ),
        120_000,
        `the trainer of ${id} stopping`,
      );
    }
    await cutFor(90);
    follow("attach", () => detachedId, ["attach", detachedId]);
    for (const f of followers) await f.started.done;

    for (const [mode, id] of [
      ["attached", attachedId],
      ["detached", detachedId],
    ] as const) {
      const run = await record(ws, id);
      const files = await copies(ws, id);
      const exited = await trainerExitedAt(ws, id);
      const mine = followers.filter((f) => f.run() === id);
      for (let i = 0; i < 60 && (await streamLoopsOf(ws, id)).length > 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      await result(
        `90 s cut, ${mode}`,
        `metrics ${lineCount(files.localMetrics)} of ${lineCount(files.hostMetrics)} lines, log ${files.localLog.length} of ${files.hostLog.length} bytes | ` +
          mine
            .map(
              (f) =>
                `${f.name} exit ${f.started.child.exitCode} ${(((f.exitedAt ?? NaN) - exited) / 1000).toFixed(1)} s after the trainer`,
            )
            .join(", "),
      );
      expect(run.state).toBe("cancelled");
      for (const f of mine) {
        const done = await f.started.done;
        expect(done.timedOut, `${f.name} ${id} still running`).toBe(false);
        // `run` and `attach` say the run ended cancelled (4); `logs -f` and `cancel` succeed
        const expected = f.name === "run" || f.name === "attach" ? 4 : 0;
        expect(done.code, `${f.name} ${id}: ${done.stderr}`).toBe(expected);
      }
      expect(files.hostMetrics.length).toBeGreaterThan(0);
      expect(files.localMetrics.equals(files.hostMetrics), `${mode} metrics.jsonl`).toBe(true);
      expect(files.localLog.equals(files.hostLog), `${mode} attempt-1.log`).toBe(true);
      expect(files.hostGenerations.length).toBeGreaterThan(0); // step 0 at least
      expect(
        files.localGenerations.equals(files.hostGenerations),
        `${mode} generations.jsonl`,
      ).toBe(true);
      expect(await streamLoopsOf(ws, id)).toEqual([]);
    }
  }, 600_000);
});
