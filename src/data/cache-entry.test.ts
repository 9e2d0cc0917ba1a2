import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { experimentSchema, renderable } from "../config/index.js";
import { RecordingReporter } from "../report/index.js";
import { prepareDataset } from "./index.js";

const dir = mkdtempSync(join(tmpdir(), "tunectl-cache-entry-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function experimentWith(lines: number) {
  const file = join(dir, `data-${lines}.jsonl`);
  const records = Array.from({ length: lines }, (_, i) =>
    JSON.stringify({ instruction: `say ${i}`, output: `${i}` }),
  );
  writeFileSync(file, `${records.join("\n")}\n`);
  return renderable(
    experimentSchema.parse({
      name: "t",
      data: { train: [{ path: file, format: "alpaca" }], eval_split: 0.1 },
    }),
  );
}

const entries = (cacheDir: string) =>
  readdirSync(cacheDir)
    .filter((name) => name !== "index")
    .sort();

describe("the content-addressed dataset cache", () => {
  it("renders the same data eight times at once into one entry, every render using it", async () => {
    const exp = experimentWith(400);
    const cacheDir = join(dir, "cache-race");
    const reporters = Array.from({ length: 8 }, () => new RecordingReporter());
    const prepared = await Promise.all(
      reporters.map((reporter) => prepareDataset(exp, { cacheDir, reporter })),
    );
    const fingerprint = prepared[0]!.fingerprint;
    expect(entries(cacheDir)).toEqual([fingerprint]);
    // every render hands out the one entry's manifest: the bytes that get staged
    const onDisk = JSON.parse(readFileSync(join(cacheDir, fingerprint, "manifest.json"), "utf8"));
    for (const p of prepared) expect(p.manifest).toEqual(onDisk);
    const shared = reporters.filter((r) => r.codes().includes("data.render_shared")).length;
    const hits = reporters.filter((r) => r.codes().includes("data.cache_hit")).length;
    expect(shared + hits).toBe(7);
  });

  it("replaces a damaged entry, and keeps a whole one", async () => {
    const exp = experimentWith(50);
    const cacheDir = join(dir, "cache-damaged");
    const reporter = new RecordingReporter();
    const first = await prepareDataset(exp, { cacheDir, reporter });
    // damaged after the fact: a file cut short, and the index gone so it renders again
    writeFileSync(join(first.dir, "train.jsonl"), "{}\n");
    rmSync(join(cacheDir, "index"), { recursive: true });
    const again = await prepareDataset(exp, { cacheDir, reporter });
    expect(again.fingerprint).toBe(first.fingerprint);
    expect(readFileSync(join(again.dir, "train.jsonl")).length).toBe(again.manifest.files[0]!.size);
    expect(entries(cacheDir)).toEqual([first.fingerprint]);

    rmSync(join(cacheDir, "index"), { recursive: true });
    const third = await prepareDataset(exp, { cacheDir, reporter: new RecordingReporter() });
    expect(third.manifest).toEqual(again.manifest);
  });
});
