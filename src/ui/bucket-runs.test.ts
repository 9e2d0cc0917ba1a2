import { appendFile, mkdir, mkdtemp, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { mirrorRun } from "../monitor/index.js";
import { RecordingReporter } from "../report/index.js";
import { RunRegistry, type RunRecord } from "../runs/index.js";
import { LocalObjectStore } from "../storage/index.js";
import { tokenHeader } from "./access.js";
import { BucketRuns } from "./bucket-runs.js";
import { startUiServer, type UiServer } from "./server.js";

const spec = {
  configYaml: "name: tiny\nmodel:\n  base: builtin:tiny\n",
  model: "builtin:tiny",
  image: "img",
  gpus_requested: 0,
};
const line = (step: number) =>
  `${JSON.stringify({ ts: 1_700_000_000 + step, step, kind: "train", total_steps: 10, loss: 3 - step / 10 })}\n`;

describe("the bucket's runs, read-only beside the workspace's own (--bucket)", () => {
  let mine: RunRegistry;
  let theirs: RunRegistry;
  let store: LocalObjectStore;
  let server: UiServer;
  let own: RunRecord;
  let other: RunRecord;
  const token = "bucket-test-token-0123";
  const get = async (p: string) =>
    (await fetch(`http://127.0.0.1:${server.port}${p}`, {
      headers: { cookie: `tunectl_ui=${token}` },
    }).then((r) => r.json())) as Record<string, unknown>;

  beforeEach(async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "tunectl-ui-bucket-"));
    store = new LocalObjectStore(path.join(dir, "store"));
    mine = new RunRegistry(path.join(dir, "a", ".tunectl"));
    theirs = new RunRegistry(path.join(dir, "b", ".tunectl"));
    // both workspaces mirror their runs to the same store, as the streamer does
    own = await mine.create({ name: "mine", ...spec });
    other = await theirs.create({ name: "theirs", ...spec });
    for (const [registry, run] of [
      [mine, own],
      [theirs, other],
    ] as const) {
      await writeFile(registry.paths(run.id).metrics, line(1) + line(2));
      await mkdir(registry.paths(run.id).logs, { recursive: true });
      await writeFile(registry.paths(run.id).attemptLog(1), `${run.name} says hello\n`);
      await mirrorRun(registry, run.id, store);
    }
    const bucket = new BucketRuns(
      store,
      path.join(dir, "a", ".tunectl", "ui-bucket"),
      async () => new Set([own.id]),
    );
    server = await startUiServer({
      registry: mine,
      actions: {
        cancel: () => Promise.reject(new Error("not here")),
        resume: () => Promise.reject(new Error("not here")),
      },
      token,
      port: 0,
      reporter: new RecordingReporter(),
      webDir: path.join(dir, "web"),
      bucket,
      bucketIntervalMs: 100,
    });
  });

  afterEach(async () => {
    await server.close();
  });

  it("lists another workspace's run as remote, and the workspace's own once, as its own", async () => {
    const { runs } = (await get("/api/runs")) as {
      runs: { id: string; remote: boolean; step: number }[];
    };
    expect(runs.map((r) => [r.id, r.remote]).sort()).toEqual(
      [
        [own.id, false],
        [other.id, true],
      ].sort(),
    );
    expect(runs.find((r) => r.id === other.id)!.step).toBe(2);
  });

  it("reads the remote run's page, curves and log from the mirror", async () => {
    expect(await get(`/api/runs/${other.id}`)).toMatchObject({
      remote: true,
      run: { id: other.id, name: "theirs" },
    });
    const curves = (await get(`/api/runs/${other.id}/curves`)) as { metrics: { loss: unknown } };
    expect(curves.metrics.loss).toEqual([
      [1, 2.9],
      [2, 2.8],
    ]);
    expect(await get(`/api/runs/${other.id}/log`)).toMatchObject({ text: "theirs says hello\n" });
  });

  it("follows the mirror as it grows", async () => {
    await appendFile(theirs.paths(other.id).metrics, line(3));
    await mirrorRun(theirs, other.id, store);
    for (let i = 0; i < 100; i++) {
      const { runs } = (await get("/api/runs")) as { runs: { id: string; step: number }[] };
      if (runs.find((r) => r.id === other.id)?.step === 3) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error("the remote run's step 3 never showed");
  });

  it("refuses to cancel a remote run, saying where to do it", async () => {
    const response = await fetch(`http://127.0.0.1:${server.port}/api/runs/${other.id}/cancel`, {
      method: "POST",
      headers: { [tokenHeader]: token },
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: "ui.remote_run" });
  });
});
