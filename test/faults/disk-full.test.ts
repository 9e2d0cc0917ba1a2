// Fault scenario 5: h1's workdir (a 3 MiB tmpfs here) fills up during training. The attempt
// fails with "disk full" named, and the retry policy resumes the run on h2, away from h1,
// from the checkpoint in the bucket.
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { loadTestbed, runCommand } from "../setup/testbed.js";
import {
  bucketCheckpoints,
  builtCli,
  expectedLines,
  faultLine,
  lossesAgainst,
  metrics,
  privateWorkspace,
  record,
  runStarted,
  savedSteps,
  startTunectl,
  streamedStep,
  tinyConfig,
  tinySets,
  waitFor,
  writeResult,
} from "./fault-kit.js";

const tb = loadTestbed();
// Long enough that the trainer is still going when the filler lands, and that its kept
// checkpoints (about 0.5 MiB each) would outgrow the 3 MiB workdir by themselves anyway.
const steps = 64;
const every = 4;
let ws: string;
let small: string;
let mounted = false;

beforeAll(async () => {
  await builtCli();
  small = await mkdtemp(path.join(os.tmpdir(), "tunectl-small-workdir-"));
  const mount = await runCommand("mount", ["-t", "tmpfs", "-o", "size=3m", "tmpfs", small]);
  if (mount.code !== 0) throw new Error(`mount tmpfs: ${mount.stderr}`);
  mounted = true;
  // h1's sshd lives in a mount namespace copied when it started: restart it so its sessions
  // see the same tmpfs as the Docker engine.
  await tb.stopSshd("h1");
  await tb.startSshd("h1");
  ws = await privateWorkspace(tb, { h1: { workdir: small } });
});

afterAll(async () => {
  // Emptied first: h1's sshd namespace keeps its view of the (then empty) tmpfs.
  await runCommand("sh", ["-c", 'rm -rf "$1"/*', "empty", small]);
  if (mounted) await runCommand("umount", ["--lazy", small]);
  await rm(small, { recursive: true, force: true });
});

it("5. the host's workdir fills up -> fails with disk full named, resumes on another host", async () => {
  const attached = startTunectl(tb, ws, [
    "run",
    tinyConfig,
    "--host",
    "h1",
    "--name",
    "fault-disk",
    ...tinySets(steps, every, [
      "resources.hosts=[h1,h2]",
      "resources.min_disk_gb=0",
      "retry.max_restarts=1",
      "retry.on=[failed]",
      "retry.backoff.initial_s=1",
    ]),
  ]);
  const id = await runStarted(ws, "fault-disk", attached);
  await waitFor(
    async () =>
      (await bucketCheckpoints(tb, id)).includes(every) && (await streamedStep(ws, id)) > every,
    120_000,
    `checkpoint step-${every} of ${id} in the bucket`,
  );
  // Leave 30 KiB: room for log and status lines, none for the next checkpoint.
  const fill = await runCommand("sh", [
    "-c",
    // (the checkpoints may have used it up already: then nothing is added)
    `free=$(df -Pk "$1" | awk 'NR==2 {print $4}'); dd if=/dev/zero of="$1/filler" bs=1k count=$((free > 30 ? free - 30 : 0)) 2>&1`,
    "fill",
    small,
  ]);
  expect(fill.code, fill.stdout).toBe(0);
  const result = await attached.done;

  const run = await record(ws, id);
  const [first, last] = [run.attempts[0]!, run.attempts.at(-1)!];
  const lost = lossesAgainst(
    await metrics(ws, id),
    expectedLines(steps, every),
    steps,
    await bucketCheckpoints(tb, id),
    savedSteps(steps, every),
  );
  const survived =
    result.code === 0 &&
    run.state === "succeeded" &&
    first.error?.code === "host.disk_full" &&
    last.host === "h2" &&
    lost.steps + lost.metricLines + lost.checkpoints === 0;
  const scenario = "5 workdir fills up -> retry elsewhere";
  await writeResult("faults", scenario, faultLine(scenario, survived, lost));

  expect(result.code, result.stderr).toBe(0);
  expect(first.state).toBe("failed");
  expect(first.error).toEqual({
    code: "host.disk_full",
    message: expect.stringMatching(/disk full/),
  });
  expect(run.state).toBe("succeeded");
  expect(run.attempts.map((a) => a.host)).toEqual(["h1", "h2"]);
  expect(last.resume_from?.step).toBeGreaterThanOrEqual(every);
  expect(lost).toEqual({ steps: 0, metricLines: 0, checkpoints: 0 });
});
