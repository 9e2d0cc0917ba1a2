import { readFile } from "node:fs/promises";
import { contentKeys, journalFileFor } from "./content-key.js";
import type { LoadedSpec } from "./load-spec.js";
import { recipeFor } from "./recipe-stages.js";
import type { SeedTask } from "./seed-tasks.js";

/** The share of generated tasks assumed to survive filters and dedup, for estimates only. */
export const assumedKeepRate = 0.5;

export interface GenerationEstimate {
  requests: number;
  input_tokens: number;
  /** Upper bound: every answer as long as max_tokens allows. */
  max_output_tokens: number;
  max_cost_usd: number;
  /** Requests already completed in this spec's journal (a rerun does not send them). */
  journaled: number;
  assumptions: string;
}

/**
 * What a run would send, without sending anything: requests from the tasks each answer is
 * expected to yield at `assumedKeepRate`, input tokens from the first prompt at ~4 characters
 * a token (no tokenizer is known for an arbitrary endpoint), output tokens at max_tokens.
 */
export async function estimateGeneration(
  loaded: LoadedSpec,
  seeds: SeedTask[],
): Promise<GenerationEstimate> {
  const { spec } = loaded;
  const recipe = recipeFor({
    spec,
    seeds,
    ...(loaded.promptText ? { promptText: loaded.promptText } : {}),
  });
  const [stage] = recipe.stages();
  const prompt = stage!.plan(0);
  const promptTokens = Math.ceil(prompt.prompt.length / 4);
  let requests: number;
  let input: number;
  let output: number;
  if (spec.mode === "alpaca") {
    const r = spec.recipe;
    const fresh = Math.max(
      1,
      r.tasks_per_request - r.prompt_seed_tasks - r.prompt_machine_tasks - 1,
    );
    requests = Math.ceil(spec.num_instructions / (fresh * assumedKeepRate));
    input = requests * promptTokens;
    output = requests * r.max_tokens;
  } else {
    const r = spec.recipe;
    // a prompt of 8 numbered instructions is continued up to number 15 (stop at 16)
    const fresh = Math.max(1, 15 - r.prompt_seed_tasks - r.prompt_machine_tasks);
    const bootstrap = Math.ceil(spec.num_instructions / (fresh * assumedKeepRate));
    requests = bootstrap + spec.num_instructions;
    input = bootstrap * promptTokens + spec.num_instructions * 400;
    output = bootstrap * r.max_tokens + spec.num_instructions * r.instances.max_tokens;
  }
  if (spec.max_requests !== undefined) requests = Math.min(requests, spec.max_requests);
  const cost =
    (input * spec.pricing.input_per_1m_usd + output * spec.pricing.output_per_1m_usd) / 1e6;
  return {
    requests,
    input_tokens: input,
    max_output_tokens: output,
    max_cost_usd: cost,
    journaled: await journaledCount(journalFileFor(loaded.outputFile, await contentKeys(loaded))),
    assumptions: `${assumedKeepRate * 100}% of generated tasks kept; ~4 characters a token; answers at max_tokens`,
  };
}

async function journaledCount(file: string): Promise<number> {
  try {
    return (await readFile(file, "utf8")).split("\n").filter((line) => line.trim() !== "").length;
  } catch {
    return 0;
  }
}
