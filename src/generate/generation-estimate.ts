import { readFile } from "node:fs/promises";
import { encodeAnswerPrompt } from "./answer-recipe.js";
import { encodeEqualityPrompt, encodeEvolPrompt, evolvableText } from "./evol-prompt.js";
import { contentKeys, journalFileFor } from "./content-key.js";
import type { LoadedSpec } from "./load-spec.js";
import { recipeFor } from "./recipe-stages.js";
import type { SeedTask } from "./seed-tasks.js";
import type { AnswerSpec, EvolSpec } from "./spec-schema.js";

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
  const journaled = await journaledCount(
    journalFileFor(loaded.outputFile, await contentKeys(loaded)),
  );
  if (spec.mode === "answer" || spec.mode === "evol") {
    const estimate =
      spec.mode === "answer" ? answerEstimate(spec, seeds) : evolEstimate(spec, seeds);
    return priced(loaded, { ...estimate, journaled });
  }
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
  return priced(loaded, {
    requests,
    input_tokens: input,
    max_output_tokens: output,
    journaled,
    assumptions: `${assumedKeepRate * 100}% of generated tasks kept; ~4 characters a token; answers at max_tokens`,
  });
}

type Unpriced = Omit<GenerationEstimate, "max_cost_usd">;

/** Capped at max_requests (tokens in proportion), then priced. */
function priced(loaded: LoadedSpec, estimate: Unpriced): GenerationEstimate {
  const { spec } = loaded;
  const share =
    spec.max_requests !== undefined && estimate.requests > spec.max_requests
      ? spec.max_requests / estimate.requests
      : 1;
  const input = Math.ceil(estimate.input_tokens * share);
  const output = Math.ceil(estimate.max_output_tokens * share);
  return {
    ...estimate,
    requests: Math.ceil(estimate.requests * share),
    input_tokens: input,
    max_output_tokens: output,
    max_cost_usd:
      (input * spec.pricing.input_per_1m_usd + output * spec.pricing.output_per_1m_usd) / 1e6,
  };
}

const tokensOf = (text: string) => Math.ceil(text.length / 4);

/** One request per record still to answer; exact prompts. */
function answerEstimate(spec: AnswerSpec, sources: SeedTask[]): Omit<Unpriced, "journaled"> {
  const taken = sources.slice(0, spec.max_records ?? sources.length);
  const todo = taken.filter((task) => spec.overwrite_existing || task.output.trim() === "");
  return {
    requests: todo.length,
    input_tokens: todo.reduce(
      (sum, task) => sum + tokensOf(encodeAnswerPrompt(task.instruction, task.input)),
      0,
    ),
    max_output_tokens: todo.length * spec.recipe.max_tokens,
    assumptions: `${taken.length - todo.length} records kept as they are; ~4 characters a token; answers at max_tokens`,
  };
}

/**
 * At most: every lineage evolved, checked and answered every round. Prompts from the seeds'
 * texts (an evolved instruction is longer, by the 10 to 20 words the prompt allows a round).
 */
function evolEstimate(spec: EvolSpec, seeds: SeedTask[]): Omit<Unpriced, "journaled"> {
  const r = spec.recipe;
  const texts = seeds
    .slice(0, spec.max_records ?? seeds.length)
    .map((seed) => evolvableText(seed.instruction, seed.input));
  const perRound = spec.equality_check ? 3 : 2;
  let input = 0;
  for (const text of texts) {
    for (let round = 0; round < spec.rounds; round++) {
      const grown = `${text}${" extra words".repeat(15 * round)}`;
      input += tokensOf(encodeEvolPrompt("add_constraints", grown)) + tokensOf(grown) * 2;
      if (spec.equality_check) input += tokensOf(encodeEqualityPrompt(grown, grown));
    }
  }
  const outputPerRound =
    r.evolve.max_tokens + r.answer.max_tokens + (spec.equality_check ? r.equality.max_tokens : 0);
  return {
    requests: texts.length * spec.rounds * perRound,
    input_tokens: input,
    max_output_tokens: texts.length * spec.rounds * outputPerRound,
    assumptions: `every evolution kept (an upper bound: failed ones skip their check and answer); ~15 words added a round; ~4 characters a token; answers at max_tokens`,
  };
}

async function journaledCount(file: string): Promise<number> {
  try {
    return (await readFile(file, "utf8")).split("\n").filter((line) => line.trim() !== "").length;
  } catch {
    return 0;
  }
}
