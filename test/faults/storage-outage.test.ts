// Fault scenario 3: the S3 server is down while checkpoints are written and uploaded, then
// comes back. Every checkpoint reaches the bucket with matching sha256, and at no moment
// does the bucket hold a checkpoint manifest whose files are not all there (manifest last).
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { readFile, readdir } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { loadTestbed } from "../setup/testbed.js";
import {
  bucketCheckpoints,
  bucketRunDir,
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
const steps = 12;
const every = 3;
let ws: string;
let stopped = false;

beforeAll(async () => {
  await builtCli();
  ws = await privateWorkspace(tb);
});

afterAll(async () => {
  if (stopped) await tb.startS3();
});

const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

interface Manifest {
  files: Array<{ path: string; sha256: string }>;
}

/**
 * Checkpoints in the bucket whose manifest is there but a file is missing or differs. The S3
 * server writes an object's file in place: while uploads run (`live`), a manifest that does not
 * parse yet is one being written, looked at again on the next round.
 */
async function partialCheckpoints(runDir: string, live = false): Promise<string[]> {
  const dir = path.join(runDir, "checkpoints");
  const partial: string[] = [];
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    const manifestFile = path.join(dir, name, "manifest.json._S3rver_object");
    if (!existsSync(manifestFile)) continue;
    const text = await readFile(manifestFile, "utf8");
    let manifest: Manifest;
    try {
      manifest = JSON.parse(text) as Manifest;
    } catch (error) {
      if (live) continue;
      throw error;
    }
    for (const file of manifest.files) {
      const object = await readFile(path.join(dir, name, `${file.path}._S3rver_object`)).catch(
        () => undefined,
      );
      if (!object || sha256(object) !== file.sha256) partial.push(`${name}/${file.path}`);
    }
  }
  return partial;
}

it("3. S3 stopped while checkpoints upload, then started -> all uploaded, sha256 match, none partial", async () => {
  const attached = startTunectl(tb, ws, [
    "run",
    tinyConfig,
    "--host",
    "h2",
    "--name",
    "fault-s3",
    ...tinySets(steps, every, ["retry.max_restarts=0"]),
  ]);
  const id = await runStarted(ws, "fault-s3", attached);
  await waitFor(async () => (await streamedStep(ws, id)) >= 1, 120_000, `first step of ${id}`);
  await tb.stopS3();
  stopped = true;
  // Down while two checkpoints are written on the host and their uploads are tried.
  await waitFor(
    async () => (await streamedStep(ws, id)) >= 2 * every + 1,
    120_000,
    "two checkpoints",
  );

  // Watch the bucket's directory from the restart until the run ends: a manifest never
  // appears before its files.
  const seenPartial = new Set<string>();
  let watching = true;
  const watcher = (async () => {
    while (watching) {
      for (const p of await partialCheckpoints(bucketRunDir(tb, id), true)) seenPartial.add(p);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  await tb.startS3();
  stopped = false;
  const result = await attached.done;
  watching = false;
  await watcher;

  const run = await record(ws, id);
  const inBucket = await bucketCheckpoints(tb, id);
  const lost = lossesAgainst(
    await metrics(ws, id),
    expectedLines(steps, every),
    steps,
    inBucket,
    savedSteps(steps, every),
  );
  const mismatched = await partialCheckpoints(bucketRunDir(tb, id));
  const survived =
    result.code === 0 &&
    run.state === "succeeded" &&
    seenPartial.size === 0 &&
    mismatched.length === 0 &&
    lost.steps + lost.metricLines + lost.checkpoints === 0;
  const scenario = "3 S3 down during checkpoint uploads";
  await writeResult("faults", scenario, faultLine(scenario, survived, lost));

  expect(result.code, result.stderr).toBe(0);
  expect(run.state).toBe("succeeded");
  expect(inBucket).toEqual(savedSteps(steps, every));
  expect([...seenPartial]).toEqual([]);
  expect(mismatched).toEqual([]);
  expect(lost).toEqual({ steps: 0, metricLines: 0, checkpoints: 0 });
});
