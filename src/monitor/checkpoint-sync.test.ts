import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LocalHost } from "../hosts/index.js";
import { RecordingReporter } from "../report/index.js";
import { RunRegistry, tryFileLock, walkToRunning } from "../runs/index.js";
import { LocalObjectStore } from "../storage/index.js";
import { listCheckpoints } from "./checkpoint-list.js";
import { CheckpointSync } from "./checkpoint-sync.js";
import { stepsToRemove } from "./checkpoint-retention.js";

let root: string;
let hostDir: string;
let registry: RunRegistry;
let runId: string;
let store: LocalObjectStore;
let reporter: RecordingReporter;
const host = () => new LocalHost("h1", root);

async function writeCheckpoint(
  step: number,
  files: Record<string, string | Buffer>,
  metrics: Record<string, unknown> = { loss: 1 },
  manifestFiles?: unknown[],
): Promise<string> {
  const dir = path.join(hostDir, "output", "checkpoints", `step-${step}`);
  const entries = [];
  for (const [name, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), content);
    const bytes = Buffer.from(content);
    entries.push({
      path: name,
      size: bytes.length,
      sha256: createHash("sha256").update(bytes).digest("hex"),
    });
  }
  await mkdir(dir, { recursive: true });
  await writeFile(
    path.join(dir, "manifest.json"),
    JSON.stringify({ format: 1, step, metrics, files: manifestFiles ?? entries }),
  );
  return dir;
}

function sync() {
  return new CheckpointSync({ registry, runId, host: host(), hostDir, store, reporter });
}

beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), "tunectl-ckpt-"));
  hostDir = path.join(root, "host", "runs", "r1");
  await mkdir(path.join(hostDir, "output", "checkpoints"), { recursive: true });
  registry = new RunRegistry(path.join(root, "state"));
  runId = (
    await registry.create({
      name: "c",
      configYaml: "name: c\n",
      model: "builtin:tiny",
      image: "x",
      gpus_requested: 0,
    })
  ).id;
  await walkToRunning(registry, runId, {
    host: "h1",
    gpus: [],
    runtime: "process",
    host_dir: hostDir,
  });
  store = new LocalObjectStore(path.join(root, "bucket"));
  reporter = new RecordingReporter();
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("CheckpointSync", () => {
  it("two syncs of one run at once (attach and sync): each checkpoint pulled and uploaded once, whole", async () => {
    const big = Buffer.alloc(2_000_000, 3);
    await writeCheckpoint(10, { "adapter.bin": big, "rng.json": "{}" });
    await writeCheckpoint(20, { "adapter.bin": Buffer.alloc(2_000_000, 4), "rng.json": "{}" });
    const [a, b] = await Promise.all([sync().syncOnce(), sync().syncOnce()]);
    expect([...a.pulled, ...b.pulled].sort((x, y) => x - y)).toEqual([10, 20]);
    expect([...a.uploaded, ...b.uploaded].sort((x, y) => x - y)).toEqual([10, 20]);
    expect([...a.errors, ...b.errors]).toEqual([]);
    const local = path.join(registry.paths(runId).checkpoints, "step-10", "adapter.bin");
    // (Buffer.equals: a deep toEqual walks 2 MB byte by byte, for seconds)
    expect((await readFile(local)).equals(big)).toBe(true);
  });

  it("a periodic round skips while another process's round holds the run's checkpoints", async () => {
    await writeCheckpoint(10, { "adapter.bin": "a" });
    const other = await tryFileLock(registry.paths(runId).checkpointsLock);
    if (!("held" in other)) throw new Error("lock not taken");
    const first = sync();
    first.start();
    await first.stop({ final: false });
    const pulled = path.join(registry.paths(runId).checkpoints, "step-10");
    expect(await stat(pulled).catch(() => null)).toBeNull();
    await other.held.release();
    expect((await first.syncOnce()).pulled).toEqual([10]);
  });

  it("pulls complete checkpoints, checks them, uploads them with the manifest last", async () => {
    const big = Buffer.alloc(300_000, 7);
    await writeCheckpoint(10, {
      "adapter.bin": big,
      "state/optimizer.pt": "opt",
      "rng.json": "{}",
    });
    // a checkpoint being written: no manifest yet
    await mkdir(path.join(hostDir, "output", "checkpoints", "step-20"));
    await writeFile(path.join(hostDir, "output", "checkpoints", "step-20", "adapter.bin"), "half");

    const result = await sync().syncOnce();
    expect(result).toMatchObject({ pulled: [10], uploaded: [10], removed: [], errors: [] });
    const local = path.join(registry.paths(runId).checkpoints, "step-10");
    expect(await readFile(path.join(local, "adapter.bin"))).toEqual(big);
    expect(await readFile(path.join(local, "state", "optimizer.pt"), "utf8")).toBe("opt");
    expect(await store.getBuffer(`runs/${runId}/checkpoints/step-10/state/optimizer.pt`)).toEqual(
      Buffer.from("opt"),
    );
    expect(await store.head(`runs/${runId}/checkpoints/step-10/manifest.json`)).toBeDefined();
    expect(await store.head(`runs/${runId}/checkpoints/step-20/adapter.bin`)).toBeUndefined();

    const listing = await listCheckpoints(registry, await registry.get(runId), {
      host: host(),
      store,
    });
    expect(listing).toEqual([
      { step: 10, metrics: { loss: 1 }, size: 300_005, local: true, bucket: true, host: true },
    ]);
    // a second round has nothing to do
    expect(await sync().syncOnce()).toMatchObject({ pulled: [], uploaded: [] });
  });

  it("resumes a partial file and replaces a corrupt one", async () => {
    const content = Buffer.from(Array.from({ length: 50_000 }, (_, i) => i % 251));
    await writeCheckpoint(5, { "a.bin": content, "b.bin": content });
    const local = path.join(registry.paths(runId).checkpoints, "step-5");
    await mkdir(local, { recursive: true });
    await writeFile(path.join(local, "a.bin"), content.subarray(0, 20_000));
    await writeFile(path.join(local, "b.bin"), Buffer.alloc(20_000, 1)); // wrong bytes
    const result = await sync().syncOnce();
    expect(result.pulled).toEqual([5]);
    expect(await readFile(path.join(local, "a.bin"))).toEqual(content);
    expect(await readFile(path.join(local, "b.bin"))).toEqual(content);
  });

  it("refuses hostile names and symlinks, and writes nothing outside the run", async () => {
    const outside = path.join(root, "secret");
    await mkdir(outside);
    await writeFile(path.join(outside, "id_rsa"), "KEY");
    const checkpoints = path.join(hostDir, "output", "checkpoints");
    // a step directory that is a symlink
    await symlink(outside, path.join(checkpoints, "step-1"));
    // a checkpoint holding a symlink to a secret
    const dir = await writeCheckpoint(2, { "a.bin": "a" });
    await symlink(path.join(outside, "id_rsa"), path.join(dir, "b.bin"));
    // a manifest naming files outside the checkpoint
    await writeCheckpoint(3, { "a.bin": "a" }, {}, [
      { path: "../../../../secret/id_rsa", size: 3, sha256: "0".repeat(64) },
    ]);
    await writeCheckpoint(4, { "a.bin": "a" }, {}, [
      { path: path.join(outside, "id_rsa"), size: 3, sha256: "0".repeat(64) },
    ]);
    // a name that is not step-<digits>
    await mkdir(path.join(checkpoints, "step-5;rm -rf ~"));
    // a step directory whose manifest is a symlink
    await mkdir(path.join(checkpoints, "step-6"));
    await symlink(path.join(outside, "id_rsa"), path.join(checkpoints, "step-6", "manifest.json"));

    const result = await sync().syncOnce();
    expect(result.pulled).toEqual([]);
    expect(result.refused.map((r) => r.name).sort()).toEqual(
      ["step-1", "step-2", "step-3", "step-4", "step-5;rm -rf ~", "step-6"].sort(),
    );
    expect(reporter.codes().filter((c) => c === "checkpoint.refused")).toHaveLength(6);
    const localRoot = registry.paths(runId).checkpoints;
    for (const step of [1, 2, 3, 4, 6]) {
      expect(await stat(path.join(localRoot, `step-${step}`)).catch(() => null)).toBeNull();
    }
    expect(await store.head(`runs/${runId}/checkpoints/step-2/b.bin`)).toBeUndefined();
  });

  it("mirrors the trainer's retention, keeping the latest and the best", async () => {
    await writeCheckpoint(1, { "a.bin": "1" }, { eval_loss: 0.5 });
    await writeCheckpoint(2, { "a.bin": "2" }, { eval_loss: 0.9 });
    await writeCheckpoint(3, { "a.bin": "3" }, { eval_loss: 0.8 });
    await sync().syncOnce();
    // the trainer drops 2 (not best); later 1 is gone too although it is the best
    await rm(path.join(hostDir, "output", "checkpoints", "step-2"), { recursive: true });
    await rm(path.join(hostDir, "output", "checkpoints", "step-1"), { recursive: true });
    await writeCheckpoint(4, { "a.bin": "4" }, { eval_loss: 0.7 });
    const result = await sync().syncOnce();
    expect(result.pulled).toEqual([4]);
    expect(result.removed).toEqual([2]);
    const listing = await listCheckpoints(registry, await registry.get(runId), { store });
    expect(listing.map((c) => [c.step, c.local, c.bucket])).toEqual([
      [1, true, true],
      [3, true, true],
      [4, true, true],
    ]);
    expect(await store.head(`runs/${runId}/checkpoints/step-2/a.bin`)).toBeUndefined();
  });
});

describe("stepsToRemove", () => {
  const h1 = { host: "h1", host_dir: "/w/runs/r" };
  it("never removes copies pulled from another host directory", () => {
    expect(
      stepsToRemove({
        host: { host: "h2", host_dir: "/w/runs/r" },
        hostSteps: [30],
        hostEvalLoss: new Map(),
        copies: [10, 20].map((step) => ({ step, origin: h1 })),
        protectedSteps: [],
      }),
    ).toEqual([]);
  });
  it("keeps resume sources and does nothing when the host shows no checkpoint", () => {
    const copies = [10, 20, 30].map((step) => ({ step, origin: h1 }));
    expect(
      stepsToRemove({
        host: h1,
        hostSteps: [40],
        hostEvalLoss: new Map(),
        copies,
        protectedSteps: [20],
      }),
    ).toEqual([10, 30]);
    expect(
      stepsToRemove({
        host: h1,
        hostSteps: [],
        hostEvalLoss: new Map(),
        copies,
        protectedSteps: [],
      }),
    ).toEqual([]);
  });
});
