import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { experimentSchema, renderable } from "../config/index.js";
import { RecordingReporter } from "../report/index.js";
import { loadModelTokenizer, prepareDataset } from "./index.js";
import { encodeRecord, TrainerTokenizer, tinyTokenizerFiles } from "./tokens/index.js";

const dir = mkdtempSync(join(tmpdir(), "tunectl-text-label-"));
const words = ["plot", "acting", "music", "ending", "cast", "story", "scenes", "pacing"];
const reviews = join(dir, "reviews.jsonl");
writeFileSync(
  reviews,
  Array.from({ length: 300 }, (_, i) => {
    const text = `the ${words[i % 8]} of film ${i} was ${i % 2 ? "fine" : "poor"}`;
    return JSON.stringify({ text, label: i % 2 });
  }).join("\n"),
);
const alpaca = join(dir, "alpaca.jsonl");
writeFileSync(
  alpaca,
  Array.from({ length: 500 }, (_, i) =>
    JSON.stringify({ instruction: `count to ${i}`, output: "ok" }),
  ).join("\n"),
);

const textLabel = {
  task: "sentiment",
  labels: { "0": "negative", "1": "positive" },
  few_shot: { k: 6 },
  mix: { few_shot: 0.5, options: 0.5 },
};
const experiment = (data: Record<string, unknown> = {}, seed = 42) =>
  renderable(
    experimentSchema.parse({
      name: "t",
      model: { base: "builtin:tiny" },
      data: {
        train: [
          { path: reviews, format: "text-label", text_label: textLabel, weight: 1 },
          { path: alpaca, format: "alpaca", weight: 1 },
        ],
        max_seq_len: 512,
        ...data,
      },
      train: { max_steps: 1, seed },
    }),
  );
let caches = 0;
const prepare = async (exp: ReturnType<typeof experiment>) =>
  prepareDataset(exp, {
    cacheDir: join(dir, `cache-${caches++}`),
    reporter: new RecordingReporter(),
    tokenizer: await loadModelTokenizer(exp.model, { env: {}, cwd: dir }),
  });
const lines = (path: string) =>
  readFileSync(path, "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));

describe("text-label records and mixtures, rendered", () => {
  it("prunes few-shot records to max_seq_len in the model's tokens and records meta", async () => {
    const prepared = await prepare(experiment());
    const tok = new TrainerTokenizer(tinyTokenizerFiles());
    const built = lines(join(prepared.dir, "train.jsonl")).filter((r) => r.meta);
    expect(built.length).toBeGreaterThan(0);
    for (const record of built) {
      expect(record.meta.template).toMatch(/^sentiment\/\d+$/);
      if (record.meta.shots > 0)
        expect(encodeRecord(tok, record, false).ids.length).toBeLessThanOrEqual(512);
    }
    const shots = built.map((r) => r.meta.shots);
    expect(shots.some((n) => n > 0 && n < 6)).toBe(true);
    expect(shots.some((n) => n === 0)).toBe(true);
  });

  it("mixes by weight: equal shares, the smaller source whole, in the manifest", async () => {
    const prepared = await prepare(experiment());
    expect(prepared.manifest.mixture?.sources.map((s) => [s.available, s.taken])).toEqual([
      [300, 300],
      [500, 300],
    ]);
    const train = lines(join(prepared.dir, "train.jsonl"));
    expect(train.length).toBe(600);
    expect(train.filter((r) => r.meta).length).toBe(300);
    const again = await prepare(experiment());
    expect(readFileSync(join(again.dir, "train.jsonl"))).toEqual(
      readFileSync(join(prepared.dir, "train.jsonl")),
    );
    const reseeded = lines(join((await prepare(experiment({}, 7))).dir, "train.jsonl"));
    const texts = (records: typeof train) =>
      new Set(records.filter((r) => !r.meta).map((r) => JSON.stringify(r.segments)));
    expect(texts(reseeded)).not.toEqual(texts(train));
  });

  it("gives another fingerprint when a builder or mixture setting changes", async () => {
    const base = (await prepare(experiment())).fingerprint;
    const sources = (
      changes: Record<string, unknown>,
      alpacaChanges: Record<string, unknown> = {},
    ) => ({
      train: [
        {
          path: reviews,
          format: "text-label",
          text_label: { ...textLabel, ...changes },
          weight: 1,
        },
        { path: alpaca, format: "alpaca", weight: 1, ...alpacaChanges },
      ],
    });
    const variants = [
      sources({ options: { style: "inline" } }),
      sources({ few_shot: { k: 2 } }),
      sources({ mix: { few_shot: 0.2, options: 0.5 } }),
      sources({ inverted: false }),
      sources({}, { weight: 2 }),
      // the alpaca source has more records than its share: capping it at 400 changes nothing
      // read into the set but is a setting of it, so the fingerprint changes anyway
      sources({}, { max_records: 400 }),
      { ...sources({}), mixture: { total: 100 } },
    ];
    const fingerprints = new Set([base]);
    for (const data of variants) fingerprints.add((await prepare(experiment(data))).fingerprint);
    expect(fingerprints.size).toBe(variants.length + 1);
  });

  it("refuses few_shot when the model's tokenizer cannot be read here", async () => {
    const exp = experiment();
    await expect(
      prepareDataset(exp, { cacheDir: join(dir, "cache-x"), reporter: new RecordingReporter() }),
    ).rejects.toMatchObject({ code: "data.few_shot_tokens", kind: "user" });
  });
});
