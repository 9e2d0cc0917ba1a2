import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { experimentSchema, renderable } from "../config/index.js";
import { RecordingReporter } from "../report/index.js";
import { LocalObjectStore } from "../storage/index.js";
import { prepareDataset, stageDataset, inspectExperimentData } from "./index.js";

const alpaca = resolve(import.meta.dirname, "../../../shared/datasets/alpaca_5000.json");
const experiment = (data: Record<string, unknown>) =>
  renderable(experimentSchema.parse({ name: "t", data, train: { max_steps: 1 } }));
const dir = mkdtempSync(join(tmpdir(), "tunectl-stage-test-"));

describe("prepare and stage to the local store", () => {
  it("renders, splits, fingerprints deterministically, reuses the cache, stages once", async () => {
    const exp = experiment({ train: [{ path: alpaca, format: "alpaca" }], eval_split: 0.05 });
    const reporter = new RecordingReporter();
    const first = await prepareDataset(exp, { cacheDir: join(dir, "cache-a"), reporter });
    expect(first.records.train + first.records.eval).toBe(first.stats!.records);
    expect(first.records.eval).toBe(Math.round(first.stats!.records * 0.05));
    expect(first.cached).toBe(false);
    // same inputs and seed in a fresh cache: the same bytes and fingerprint
    const again = await prepareDataset(exp, { cacheDir: join(dir, "cache-b"), reporter });
    expect(again.fingerprint).toBe(first.fingerprint);
    expect(
      readFileSync(join(again.dir, "train.jsonl")).equals(
        readFileSync(join(first.dir, "train.jsonl")),
      ),
    ).toBe(true);
    // unchanged inputs: not read again
    const cached = await prepareDataset(exp, { cacheDir: join(dir, "cache-a"), reporter });
    expect(cached.cached).toBe(true);
    expect(reporter.codes()).toContain("data.cache_hit");
    // another seed: another order, another fingerprint
    const reseeded = await prepareDataset(
      renderable(
        experimentSchema.parse({ name: "t", data: exp.data, train: { seed: 7, max_steps: 1 } }),
      ),
      { cacheDir: join(dir, "cache-a"), reporter },
    );
    expect(reseeded.fingerprint).not.toBe(first.fingerprint);

    const store = new LocalObjectStore(join(dir, "store"));
    const staged = await stageDataset(first, store, { reporter });
    expect(staged).toMatchObject({ uploaded: true, prefix: `datasets/${first.fingerprint}/` });
    expect(reporter.codes()).toContain("stage.progress");
    const manifest = JSON.parse(
      readFileSync(store.localPath(`${staged.prefix}manifest.json`), "utf8"),
    );
    expect(manifest.files.map((f: { name: string }) => f.name)).toEqual([
      "train.jsonl",
      "eval.jsonl",
    ]);
    expect((await stageDataset(first, store, { reporter })).uploaded).toBe(false);

    // an interrupted upload (a file cut short, manifest left) is redone, not trusted
    writeFileSync(store.localPath(`${staged.prefix}eval.jsonl`), "{}\n");
    expect((await stageDataset(first, store, { reporter })).uploaded).toBe(true);
  });

  it("fails with data.invalid and writes nothing when a record is bad", async () => {
    const bad = join(dir, "bad.jsonl");
    writeFileSync(bad, '{"instruction":"a","output":"b"}\n{"instruction":"a"}\n');
    const cacheDir = join(dir, "cache-bad");
    await expect(
      prepareDataset(experiment({ train: [{ path: bad, format: "alpaca" }] }), {
        cacheDir,
        reporter: new RecordingReporter(),
      }),
    ).rejects.toMatchObject({
      code: "data.invalid",
      problems: [
        expect.objectContaining({
          position: { file: `${bad}:2` },
          path: "output",
          message: "missing",
        }),
      ],
    });
    const skipped = await prepareDataset(
      experiment({ train: [{ path: bad, format: "alpaca" }], on_error: "skip" }),
      { cacheDir, reporter: new RecordingReporter() },
    );
    expect(skipped.records.train).toBe(1);
    expect(skipped.manifest.invalid_skipped).toBe(1);
  });

  it("re-reads an input whose mtime changed", async () => {
    const file = join(dir, "m.jsonl");
    writeFileSync(file, '{"text":"one"}\n');
    const exp = experiment({ train: [{ path: file, format: "completion" }] });
    const cacheDir = join(dir, "cache-m");
    await prepareDataset(exp, { cacheDir, reporter: new RecordingReporter() });
    writeFileSync(file, '{"text":"two"}\n');
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    const second = await prepareDataset(exp, { cacheDir, reporter: new RecordingReporter() });
    expect(second.cached).toBe(false);
    expect(readFileSync(join(second.dir, "train.jsonl"), "utf8")).toBe(
      '{"segments":[{"text":"two","train":true}]}\n',
    );
  });

  it("inspectExperimentData reports problems without throwing", async () => {
    const report = await inspectExperimentData(
      experiment({ train: [{ path: join(dir, "missing.json"), format: "alpaca" }] }),
    );
    expect(report.problems[0]?.message).toMatch(/no such file/);
    const unknown = await inspectExperimentData(
      experiment({ train: [{ path: alpaca, format: "alpaca" }], template: "vicunna" }),
    );
    expect(unknown.problems[0]).toMatchObject({
      path: "data.template",
      hint: expect.stringContaining("did you mean vicuna?"),
    });
  });
});

process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
