import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import {
  createAllPairsDeduper,
  createDeduper,
  type DedupVerdict,
  type Deduper,
  rougeL,
  tokenize,
} from "./index.js";
import { seededRandom, withNearDuplicates } from "./synthetic-instructions.js";

const datasets = resolve(import.meta.dirname, "../../../../shared/datasets");
const seedFile = `${datasets}/self_instruct_seed_tasks.jsonl`;
const alpacaFile = `${datasets}/alpaca_5000.json`;
const haveDatasets = existsSync(seedFile) && existsSync(alpacaFile);

/**
 * Self-Instruct's loop, written out plainly: score the candidate (as rouge_score's target)
 * against every kept text, reject when the best score is above the threshold.
 */
function allPairsVerdicts(seeds: string[], offers: string[], threshold = 0.7): DedupVerdict[] {
  const kept = seeds.map((text) => ({ text, tokens: tokenize(text) }));
  return offers.map((text) => {
    const tokens = tokenize(text);
    let best: { text: string; score: number } | undefined;
    for (const other of kept) {
      const score = rougeL(tokens, other.tokens);
      if (!best || score > best.score) best = { text: other.text, score };
    }
    if (best && best.score > threshold)
      return { kept: false, similarTo: best.text, score: best.score };
    kept.push({ text, tokens });
    return { kept: true };
  });
}

function verdictsOf(deduper: Deduper, seeds: string[], offers: string[]): DedupVerdict[] {
  for (const seed of seeds) deduper.add(seed);
  return offers.map((text) => deduper.offer(text));
}

const rejected = (verdicts: DedupVerdict[]) => verdicts.filter((v) => !v.kept).length;

const POOLS: Record<string, string[]> = {
  latin:
    "write a short poem about the sea summer city night explain how why list five ideas for describe".split(
      " ",
    ),
  chinese: Array.from("请写一首关于春天的诗解释为什么天空是蓝色列出五个学习方法描述城市夜晚"),
  japanese: Array.from("東京について説明してください日本語の文章を要約する夏休み計画"),
  russian:
    "напишите короткое стихотворение о море лете городе ночью объясните почему перечислите пять идей".split(
      " ",
    ),
  arabic: "اكتب قصيدة قصيرة عن البحر الصيف المدينة ليلا اشرح لماذا اذكر خمس أفكار صف".split(" "),
};
POOLS.mixed = [
  ...POOLS.latin!.slice(0, 6),
  ...POOLS.chinese!.slice(0, 10),
  ...POOLS.russian!.slice(0, 6),
  "GPT-4",
  "2023年",
];

/** Random instructions from a small pool (so unrelated ones overlap too), then near duplicates. */
function syntheticSet(script: string, originals: number, seed: number): string[] {
  const pool = POOLS[script]!;
  const random = seededRandom(seed);
  const unspaced = script === "chinese" || script === "japanese";
  const texts = Array.from({ length: originals }, () =>
    Array.from(
      { length: 4 + Math.floor(random() * 14) },
      () => pool[Math.floor(random() * pool.length)]!,
    ).join(unspaced ? "" : " "),
  );
  return withNearDuplicates(texts, 3 * originals, seed + 1);
}

describe.skipIf(!haveDatasets)(
  "dedup on the real seed tasks and Alpaca instructions (needs ../shared/datasets)",
  () => {
    const seeds = haveDatasets
      ? readFileSync(seedFile, "utf8")
          .trim()
          .split("\n")
          .map((line) => (JSON.parse(line) as { instruction: string }).instruction)
      : [];
    const alpaca = haveDatasets
      ? (JSON.parse(readFileSync(alpacaFile, "utf8")) as Array<{ instruction: string }>).map(
          (r) => r.instruction,
        )
      : [];

    it("decides the 175 seed tasks, offered one by one, as the all-pairs loop does", () => {
      expect(seeds).toHaveLength(175);
      expect(verdictsOf(createDeduper(), [], seeds)).toEqual(allPairsVerdicts([], seeds));
    });

    it("decides Alpaca instructions and their near duplicates after the seeds as the all-pairs loop does", () => {
      const offers = withNearDuplicates(alpaca.slice(0, 500), 1000, 42);
      const expected = allPairsVerdicts(seeds, offers);
      expect(verdictsOf(createDeduper(), seeds, offers)).toEqual(expected);
      // Not a vacuous comparison: both sides of the threshold occur.
      expect(rejected(expected)).toBeGreaterThan(150);
      expect(offers.length - rejected(expected)).toBeGreaterThan(500);
    });

    it.each([0.3, 0.5, 0.9])("agrees at threshold %s too", (threshold) => {
      const offers = withNearDuplicates(alpaca.slice(0, 200), 400, 7);
      expect(verdictsOf(createDeduper({ threshold }), seeds, offers)).toEqual(
        allPairsVerdicts(seeds, offers, threshold),
      );
    });
  },
);

describe("dedup on generated near duplicates", () => {
  it.each(Object.keys(POOLS))(
    "decides %s sets as the all-pairs loop at every threshold",
    (script) => {
      const offers = syntheticSet(script, 100, script.length * 101);
      for (const threshold of [0, 0.2, 0.5, 0.7, 0.85, 1]) {
        const expected = allPairsVerdicts([], offers, threshold);
        expect(verdictsOf(createDeduper({ threshold }), [], offers)).toEqual(expected);
        expect(verdictsOf(createAllPairsDeduper({ threshold }), [], offers)).toEqual(expected);
        if (threshold === 0.7) expect(rejected(expected)).toBeGreaterThan(30);
      }
    },
  );

  it("decides a run through five index rebuilds as the all-pairs loop", () => {
    const offers = syntheticSet("latin", 400, 3);
    expect(verdictsOf(createDeduper(), [], offers)).toEqual(allPairsVerdicts([], offers));
  });
});

describe("createDeduper", () => {
  it("rejects a near duplicate with the kept text it resembles most and its score", () => {
    const deduper = createDeduper();
    deduper.add("Write a short poem about the sea.");
    deduper.add("Write a short story about the sea at night.");
    expect(deduper.offer("Write a short poem about the sea at night.")).toEqual({
      kept: false,
      similarTo: "Write a short story about the sea at night.",
      score: rougeL(
        tokenize("Write a short poem about the sea at night."),
        tokenize("Write a short story about the sea at night."),
      ),
    });
    expect(deduper.offer("List five ideas for a birthday party.")).toEqual({ kept: true });
    expect(deduper.size).toBe(3);
  });

  it("finds duplicates in scripts rouge_score's tokenizer leaves empty", () => {
    const deduper = createDeduper();
    deduper.add("请写一首关于春天的诗。");
    deduper.add("Напишите стихотворение о весне");
    expect(deduper.offer("请写一首关于春天的短诗").kept).toBe(false);
    expect(deduper.offer("Напишите, пожалуйста, стихотворение о весне").kept).toBe(false);
    expect(deduper.offer("请解释为什么天空是蓝色的").kept).toBe(true);
  });

  it("rejects above the threshold as rouge_score rounds it, not as 2·LCS/(m+n) would", () => {
    // LCS 7 of 9 and 11 tokens scores 0.7000000000000001 in rouge_score: rejected at 0.7;
    // LCS 7 of 10 and 10 scores exactly 0.7: kept.
    const deduper = createDeduper();
    deduper.add("a b c d e f g x1 x2 x3 x4");
    expect(deduper.offer("a b c d e f g y1 y2")).toMatchObject({
      kept: false,
      score: 0.7000000000000001,
    });
    deduper.add("h i j k l m n x1 x2 x3");
    expect(deduper.offer("h i j k l m n z1 z2 z3")).toEqual({ kept: true });
  });

  it("adds seeds unchecked and never rejects texts without tokens", () => {
    const deduper = createDeduper();
    deduper.add("Same text.");
    deduper.add("Same text.");
    expect(deduper.size).toBe(2);
    expect(deduper.offer("Same text!")).toEqual({ kept: false, similarTo: "Same text.", score: 1 });
    expect(deduper.offer("!!!")).toEqual({ kept: true });
    expect(deduper.offer("???")).toEqual({ kept: true });
    expect(deduper.size).toBe(4);
  });

  it("refuses a threshold outside [0, 1]", () => {
    for (const threshold of [-0.1, 1.5, Number.NaN]) {
      expect(() => createDeduper({ threshold })).toThrow(RangeError);
    }
  });
});
