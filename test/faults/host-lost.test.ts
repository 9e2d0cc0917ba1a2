// Fault scenario 2: h1's link is cut for good during training. The attached `tunectl run`,
// under a retry policy, waits lost_after_s, settles the run lost and resumes it on h2 from
// the checkpoint in the bucket.
import { existsSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { loadTestbed, runCommand } from "../setup/testbed.js";
import {
  bucketCheckpoints,
  builtCli,
  events,
  expectedLines,
  faultLine,
  localCheckpoints,
  lossesAgainst,
  metrics,
  privateWorkspace,
  record,
  runIds,
  runStarted,
  tunectl,
  savedSteps,
  startTunectl,
  tinyConfig,
  tinySets,
  waitFor,
  writeResult,
} from "./fault-kit.js";

const tb = loadTestbed();
const steps = 16;
const every = 4;
let ws: string;
let cut = false;
let keepCut = false;
let orphan: string | undefined;

beforeAll(async () => {
  await builtCli();
  ws = await privateWorkspace(tb);
});

afterAll(async () => {
  keepCut = false;
  if (cut) await tb.restore("h1");
  // The h1 attempt ran on while its host was cut off; take it down now that h1 answers.
  if (orphan)
    await tb.ssh("h1", `docker unpause ${orphan} 2>/dev/null; docker rm --force ${orphan}`, {
      timeoutMs: 30_000,
    });
});

it("2. h1's link cut for good -> with retry, the run resumes on h2 from the bucket's checkpoint", async () => {
  const attached = startTunectl(tb, ws, [
    "run",
    tinyConfig,
    "--host",
    "h1",
    "--name",
    "fault-cut",
    ...tinySets(steps, every, [
      "resources.hosts=[h1,h2]",
      "retry.max_restarts=1",
      "retry.on=[lost,failed]",
      "retry.lost_after_s=15",
      "retry.backoff.initial_s=1",
    ]),
  ]);
  const id = await runStarted(ws, "fault-cut", attached);
  // The tiny trainer can outrun the checkpoint mirror (a round every 5 s), so it is held
  // still from the moment it writes step-4 until that checkpoint is in the bucket: the cut
  // must come with most of the run still to go, however loaded the machine is.
  const onHost = path.join(tb.host("h1").workdir, "runs", id, "output", "checkpoints");
  await waitFor(
    async () => existsSync(path.join(onHost, `step-${every}`, "manifest.json")),
    120_000,
    `checkpoint step-${every} of ${id} on h1`,
    50,
  );
  orphan = (await record(ws, id)).attempts[0]!.handle;
  const pause = await tb.ssh("h1", `docker pause ${orphan}`, { timeoutMs: 30_000 });
  expect(pause.code, pause.stderr).toBe(0);
  await waitFor(
    async () => (await bucketCheckpoints(tb, id)).includes(every),
    120_000,
    `checkpoint step-${every} of ${id} in the bucket`,
  );
  const unpause = await tb.ssh("h1", `docker unpause ${orphan}`, { timeoutMs: 30_000 });
  expect(unpause.code, unpause.stderr).toBe(0);
  await tb.cut("h1");
  cut = true;
  // The testbed is shared: another suite's `testbed up` repairs cut links. Keep this one cut.
  keepCut = true;
  const keeper = (async () => {
    while (keepCut) {
      const link = await runCommand("ip", ["-o", "link", "show", `tbv-h1`]);
      if (/<[^>]*\bUP\b[^>]*>/.test(link.stdout)) await tb.cut("h1");
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
  })();
  const result = await attached.done;
  keepCut = false;
  await keeper;

  const run = await record(ws, id);
  const lines = await metrics(ws, id);
  const lost = lossesAgainst(
    lines,
    expectedLines(steps, every),
    steps,
    await bucketCheckpoints(tb, id),
    savedSteps(steps, every),
  );
  const retried = (await events(ws, id)).filter((e) => e.type === "retry_scheduled");
  const last = run.attempts.at(-1)!;
  const survived =
    result.code === 0 &&
    run.state === "succeeded" &&
    last.host === "h2" &&
    (last.resume_from?.step ?? 0) >= every &&
    lost.steps + lost.metricLines + lost.checkpoints === 0;
  await writeResult(
    "faults",
    "2 link cut for good -> retry elsewhere",
    faultLine("2 link cut for good -> retry elsewhere", survived, lost),
  );

  expect(result.code, result.stderr).toBe(0);
  expect(run.state).toBe("succeeded");
  expect(run.attempts.map((a) => [a.host, a.state])).toEqual([
    ["h1", "lost"],
    ["h2", "succeeded"],
  ]);
  expect(retried).toHaveLength(1);
  expect(last.resume_from?.step).toBeGreaterThanOrEqual(every);
  expect(last.final_step).toBe(steps);
  expect(await localCheckpoints(ws, id)).toEqual(expect.arrayContaining(savedSteps(steps, every)));
  expect(lost).toEqual({ steps: 0, metricLines: 0, checkpoints: 0 });
});

it("2b. once h1 answers again, ps stops the attempt that ran on behind the cut", async () => {
  expect(orphan).toBeDefined();
  await tb.restore("h1");
  cut = false;
  const before = await tb.ssh("h1", `docker inspect --format '{{.State.Status}}' ${orphan}`, {
    timeoutMs: 30_000,
  });
  expect(before.code).toBe(0); // the lost attempt's container is still there
  const ps = await tunectl(tb, ws, ["ps", "--all"]);
  expect(ps.code, ps.stderr).toBe(0);
  const after = await tb.ssh("h1", `docker inspect ${orphan}`, { timeoutMs: 30_000 });
  expect(after.code).not.toBe(0);
  expect(after.stderr).toMatch(/no such (object|container)/i);
  const id = (await record(ws, (await runIds(ws))[0]!)).id;
  expect((await record(ws, id)).orphans ?? []).toEqual([]);
  expect((await events(ws, id)).map((e) => e.type)).toContain("orphan_reaped");
  orphan = undefined;
});
