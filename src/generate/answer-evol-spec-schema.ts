import { z } from "zod";
import { requestSettings, sampling } from "./spec-schema.js";

/**
 * The spec of `answer` (GPT-4-LLM) and `evol` (Evol-Instruct) mode: the endpoint, output and
 * limits as in every mode, and their own keys; docs/generate.md gives each default's source.
 */

/** How instructions are answered, in `answer` mode and for every kept instruction of `evol`. */
const answerSampling = (defaults: { temperature: number; top_p: number; max_tokens: number }) =>
  z
    .object({
      temperature: sampling.temperature.default(defaults.temperature),
      top_p: sampling.top_p.default(defaults.top_p),
      max_tokens: sampling.max_tokens.default(defaults.max_tokens),
      presence_penalty: sampling.presence_penalty.default(0),
      frequency_penalty: sampling.frequency_penalty.default(0),
      stop: sampling.stop.default([]),
    })
    .strict();

/** GPT-4-LLM publishes no sampling settings: the API's own temperature and top_p, our max_tokens. */
const answerRecipe = answerSampling({ temperature: 1.0, top_p: 1.0, max_tokens: 1024 });
/** WizardLM's openai_access.py: temperature 1, top_p 0.95, max_tokens 2048, for every call. */
const evolSampling = { temperature: 1.0, top_p: 0.95, max_tokens: 2048 };

const sourceRecords = {
  max_records: z
    .number()
    .int()
    .min(1)
    .optional()
    .describe("Use only the first N records of the file (default: all)."),
};

export const answerSpecSchema = z
  .object({
    mode: z.literal("answer"),
    ...requestSettings,
    instructions: z
      .string()
      .min(1)
      .describe(
        "The instructions to answer: Alpaca JSON (an array) or JSONL of {instruction, input?, output?, id?}, or Self-Instruct seed tasks; relative to the spec.",
      ),
    ...sourceRecords,
    overwrite_existing: z
      .boolean()
      .default(true)
      .describe(
        "Answer every record (as GPT-4-LLM re-answered Alpaca); false keeps a record that already has an output as it is, and sends no request for it.",
      ),
    recipe: answerRecipe.default(answerRecipe.parse({})),
  })
  .strict();

export const evolOperations = [
  "add_constraints",
  "deepening",
  "concretizing",
  "increased_reasoning_steps",
  "complicate_input",
  "in_breadth",
] as const;
export type EvolOperation = (typeof evolOperations)[number];

const evolRecipe = z
  .object({
    operations: z
      .array(z.enum(evolOperations))
      .min(1)
      .default([...evolOperations])
      .describe(
        "The evolutions to choose from, uniformly, once per instruction and round: the five in-depth ones and in_breadth (mutation).",
      ),
    evolve: answerSampling(evolSampling)
      .default(answerSampling(evolSampling).parse({}))
      .describe("Sampling for the rewrite requests."),
    equality: answerSampling({ temperature: 0, top_p: 1, max_tokens: 16 })
      .default(answerSampling({ temperature: 0, top_p: 1, max_tokens: 16 }).parse({}))
      .describe("Sampling for the equality check (one word is expected)."),
    answer: answerSampling(evolSampling)
      .default(answerSampling(evolSampling).parse({}))
      .describe("Sampling for the answer to each evolved instruction."),
    sorry_max_words: z
      .number()
      .int()
      .min(0)
      .default(80)
      .describe('An answer with "sorry" and fewer words than this is eliminated.'),
  })
  .strict();

export const evolSpecSchema = z
  .object({
    mode: z.literal("evol"),
    ...requestSettings,
    seeds: z
      .string()
      .min(1)
      .describe(
        "The instructions to evolve: Alpaca JSON (an array) or JSONL, or Self-Instruct seed tasks; relative to the spec.",
      ),
    ...sourceRecords,
    rounds: z.number().int().min(1).max(32).default(4).describe("Evolution rounds (epochs)."),
    equality_check: z
      .boolean()
      .default(true)
      .describe(
        "Ask the model whether an evolved instruction equals its parent (no information gain); false compares normalised text only.",
      ),
    seed: z.number().int().min(0).default(42).describe("Seeds the choice of operation."),
    recipe: evolRecipe.default(evolRecipe.parse({})),
  })
  .strict();

export type AnswerSpec = z.infer<typeof answerSpecSchema>;
export type EvolSpec = z.infer<typeof evolSpecSchema>;
