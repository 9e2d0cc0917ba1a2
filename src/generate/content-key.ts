import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import type { CheckedSpec } from "./load-spec.js";

export interface ContentKeys {
  /**
   * What the answers depend on: recipe, filters, dedup, endpoint, seed and the seeds' bytes.
   * Names the journal, so raising a budget or num_instructions continues the same journal.
   */
  journal: string;
  /** The journal key plus how much is asked for: names a finished output. */
  output: string;
}

export async function contentKeys(loaded: CheckedSpec): Promise<ContentKeys> {
  const { spec } = loaded;
  const seeds = createHash("sha256")
    .update(await readFile(loaded.seedsFile))
    .digest("hex");
  const journal = sha256(
    JSON.stringify({
      v: 1,
      mode: spec.mode,
      base_url: spec.endpoint.base_url,
      model: spec.endpoint.model,
      recipe: spec.recipe,
      // undefined keys drop out of the JSON: alpaca and self-instruct keys stay as they were
      filters: "filters" in spec ? spec.filters : undefined,
      dedup: "dedup" in spec ? spec.dedup : undefined,
      seed: "seed" in spec ? spec.seed : undefined,
      overwrite_existing: spec.mode === "answer" ? spec.overwrite_existing : undefined,
      rounds: spec.mode === "evol" ? spec.rounds : undefined,
      equality_check: spec.mode === "evol" ? spec.equality_check : undefined,
      prompt: loaded.promptText ?? null,
      seeds,
    }),
  );
  const output = sha256(
    JSON.stringify({
      journal,
      num_instructions: "num_instructions" in spec ? spec.num_instructions : undefined,
      max_records: "max_records" in spec ? spec.max_records : undefined,
      max_requests: spec.max_requests ?? null,
    }),
  );
  return { journal, output };
}

export function sha256(text: string | Buffer): string {
  return createHash("sha256").update(text).digest("hex");
}

/** Beside the output: `<output>.<key12>.journal.jsonl` and `<output>.manifest.json`. */
export function journalFileFor(outputFile: string, keys: ContentKeys): string {
  return `${outputFile}.${keys.journal.slice(0, 12)}.journal.jsonl`;
}

export function manifestFileFor(outputFile: string): string {
  return `${outputFile}.manifest.json`;
}
