// `npm run bench -- dedup [--count N] [--runs N]`: the ROUGE-L near-duplicate filter of
// `data generate` (candidate index + exact ROUGE-L on the survivors) against the plain
// all-pairs loop Self-Instruct runs (ROUGE-L of every candidate against every kept
// instruction), on the 175 real seed tasks (added unchecked, as Self-Instruct starts) then
// N offered instructions: the real Alpaca instructions in file order and, where the file has
// fewer than N, seeded near duplicates of them (src/generate/dedup/synthetic-instructions.ts),
// interleaved. Both sides use the same tokenizer and LCS code and must reach the same verdict
// on every offer, rejected-by and score included; the bench fails if they do not.
// Interleaved runs, medians; the all-pairs side is O(N^2) LCS, so the default is 3 runs each.
// Target: >= 20x.
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { compare, fmtMs, fmtRatio, report } from "./measure.mjs";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const datasets = path.resolve(repo, "../shared/datasets");

function flag(args, name, fallback) {
  const at = args.indexOf(name);
  return at >= 0 ? Number(args[at + 1]) : fallback;
}

function sameVerdicts(a, b) {
  if (a.length !== b.length) return `${a.length} verdicts against ${b.length}`;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x.kept !== y.kept || x.similarTo !== y.similarTo || x.score !== y.score) {
      return `offer ${i}: ${JSON.stringify(x)} against ${JSON.stringify(y)}`;
    }
  }
  return undefined;
}

export default async function (args) {
  const count = flag(args, "--count", 10_000);
  const runs = flag(args, "--runs", 3);
  const dedup = await import(path.join(repo, "dist/generate/dedup/index.js"));
  const { withNearDuplicates } = await import(
    path.join(repo, "dist/generate/dedup/synthetic-instructions.js")
  );
  const seeds = readFileSync(path.join(datasets, "self_instruct_seed_tasks.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line).instruction);
  const alpaca = JSON.parse(readFileSync(path.join(datasets, "alpaca_5000.json"), "utf8")).map(
    (record) => record.instruction,
  );
  const offers =
    count <= alpaca.length ? alpaca.slice(0, count) : withNearDuplicates(alpaca, count, 42);
  const real = Math.min(count, alpaca.length);

  const results = { index: [], allPairs: [] };
  const side = (name, create) => () => {
    const start = performance.now();
    const deduper = create();
    for (const seed of seeds) deduper.add(seed);
    const verdicts = offers.map((text) => deduper.offer(text));
    const ms = performance.now() - start;
    results[name].push(verdicts);
    return ms;
  };
  const result = await compare(
    side("allPairs", dedup.createAllPairsDeduper),
    side("index", dedup.createDeduper),
    runs,
  );

  const reference = results.allPairs[0];
  for (const verdicts of [...results.allPairs, ...results.index]) {
    const difference = sameVerdicts(reference, verdicts);
    if (difference) throw new Error(`dedup verdicts differ from the all-pairs loop: ${difference}`);
  }
  const rejected = reference.filter((verdict) => !verdict.kept).length;
  const ratio = result.a / result.b;
  report(
    `dedup: ${seeds.length} seed tasks + ${count} offered (${real} Alpaca instructions` +
      `${count > real ? ` + ${count - real} near duplicates of them` : ""}), ROUGE-L > 0.7, median of ${runs}`,
    [
      `verdicts: ${count - rejected} kept, ${rejected} rejected; identical on all ${count} offers in all ${2 * runs} runs (kept, similarTo, score)`,
      `all-pairs ROUGE-L loop:          ${fmtMs(result.a)}  (${result.samplesA.map((ms) => ms.toFixed(0)).join(", ")})`,
      `candidate index + exact ROUGE-L: ${fmtMs(result.b)}  (${result.samplesB.map((ms) => ms.toFixed(0)).join(", ")})`,
      `speed-up all-pairs / index: ${fmtRatio(ratio, 20, ">=")}`,
    ],
  );
  return { ratio };
}
