import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { experimentSchema, renderable, loadWorkspace } from "../config/index.js";
import { prepareDataset } from "../data/index.js";
import { RecordingReporter } from "../report/index.js";
import { LocalObjectStore } from "../storage/index.js";
import { readStagedMarker, stageForWorkspace } from "./staged-marker.js";

const dir = mkdtempSync(path.join(tmpdir(), "tunectl-staged-marker-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("staging for a workspace", () => {
  it("uploads once for eight stagers at once, each keeping the bucket's manifest", async () => {
    const data = path.join(dir, "data.jsonl");
    writeFileSync(
      data,
      Array.from({ length: 300 }, (_, i) =>
        JSON.stringify({ instruction: `q${i}`, output: `a${i}` }),
      )
        .join("\n")
        .concat("\n"),
    );
    const workspace = await loadWorkspace({ dir, cwd: dir });
    const experiment = renderable(
      experimentSchema.parse({
        name: "t",
        data: { train: [{ path: data, format: "alpaca" }] },
      }),
    );
    const reporter = new RecordingReporter();
    const cacheDir = path.join(workspace.stateDir, "cache", "datasets");
    const prepared = await prepareDataset(experiment, { cacheDir, reporter });
    const store = new LocalObjectStore(path.join(dir, "store"));
    const deps = { workspace, reporter, store: async () => store };
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        stageForWorkspace(deps, prepared, { trustMarker: i % 2 === 0 }),
      ),
    );
    expect(results.filter((r) => r.uploaded)).toHaveLength(1);
    expect(reporter.codes()).toContain("stage.waiting");
    const bucketManifest = readFileSync(
      store.localPath(`datasets/${prepared.fingerprint}/manifest.json`),
    );
    const sha = createHash("sha256").update(bucketManifest).digest("hex");
    for (const { marker } of results)
      expect(marker.files.find((f) => f.name === "manifest.json")?.sha256).toBe(sha);
    expect((await readStagedMarker(workspace, prepared.fingerprint))?.files).toEqual(
      results[0]!.marker.files,
    );
    // a marker is trusted without the bucket; without trust the bucket is asked
    const trusted = await stageForWorkspace(deps, prepared, { trustMarker: true });
    expect(trusted).toMatchObject({ known: true, uploaded: false });
    rmSync(store.localPath(`datasets/${prepared.fingerprint}/manifest.json`));
    const checked = await stageForWorkspace(deps, prepared, { trustMarker: false });
    expect(checked).toMatchObject({ known: false, uploaded: true });
  });
});
