import { createReadStream } from "node:fs";
import { access } from "node:fs/promises";
import path from "node:path";
import { createInterface } from "node:readline";
import type { RenderedRecord } from "../record-render.js";
import { TokenStatsAccumulator, type TokenStats } from "./token-stats.js";
import type { TrainerTokenizer } from "./trainer-tokenizer.js";

export interface SplitTokens {
  train: TokenStats;
  eval?: TokenStats;
}

/**
 * The rendered train.jsonl and eval.jsonl counted as the trainer will read them (the same
 * files, staged byte for byte): its `truncated`, `dropped` and `tokens` come out the same.
 */
export async function countRenderedTokens(
  dir: string,
  tok: TrainerTokenizer,
  options: { tokenizer: string; maxSeqLen: number; trainOnInputs: boolean },
): Promise<SplitTokens> {
  const train = await countFile(path.join(dir, "train.jsonl"), tok, options);
  const evalFile = path.join(dir, "eval.jsonl");
  const hasEval = await access(evalFile).then(
    () => true,
    () => false,
  );
  const evalStats = hasEval ? await countFile(evalFile, tok, options) : undefined;
  return evalStats && evalStats.records > 0 ? { train, eval: evalStats } : { train };
}

export async function countFile(
  file: string,
  tok: TrainerTokenizer,
  options: { tokenizer: string; maxSeqLen: number; trainOnInputs: boolean },
): Promise<TokenStats> {
  const stats = new TokenStatsAccumulator(tok, options);
  const lines = createInterface({ input: createReadStream(file, "utf8"), crlfDelay: Infinity });
  for await (const line of lines) {
    if (line.trim()) stats.add(JSON.parse(line) as RenderedRecord);
  }
  return stats.result();
}
