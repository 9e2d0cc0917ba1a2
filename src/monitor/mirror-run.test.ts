import { appendFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { RunRegistry } from "../runs/index.js";
import { LocalObjectStore } from "../storage/index.js";
import { mirrorRun } from "./mirror-run.js";

let root: string;

beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), "tunectl-mirror-"));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("mirrorRun", () => {
  it("uploads the registry files, then only what changed", async () => {
    const registry = new RunRegistry(path.join(root, "state"));
    const run = await registry.create({
      name: "m",
      configYaml: "name: m\n",
      model: "builtin:tiny",
      image: "x",
      gpus_requested: 0,
    });
    const paths = registry.paths(run.id);
    await writeFile(paths.metrics, '{"step":1}\n');
    await writeFile(paths.attemptLog(1), "hello\n");
    const store = new LocalObjectStore(path.join(root, "bucket"));
    const first = await mirrorRun(registry, run.id, store);
    expect(first.uploaded).toEqual([
      "config.yaml",
      "events.jsonl",
      "metrics.jsonl",
      "logs/attempt-1.log",
      "run.json",
    ]);
    await appendFile(paths.attemptLog(1), "more\n");
    expect((await mirrorRun(registry, run.id, store)).uploaded).toEqual(["logs/attempt-1.log"]);
    expect((await store.getBuffer(`runs/${run.id}/logs/attempt-1.log`)).toString()).toBe(
      "hello\nmore\n",
    );
    expect((await store.getBuffer(`runs/${run.id}/run.json`)).toString()).toBe(
      await readFile(paths.record, "utf8"),
    );
    expect((await mirrorRun(registry, run.id, store)).uploaded).toEqual([]);
  });
});
