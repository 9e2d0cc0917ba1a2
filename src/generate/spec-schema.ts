import { z } from "zod";
import type { AnswerSpec, EvolSpec } from "./answer-evol-spec-schema.js";

/**
 * The `tunectl data generate` spec. Recipe defaults are the published ones (Stanford Alpaca's
 * `generate_instruction.py`, Self-Instruct's `bootstrap_instructions.py` and
 * `generate_instances.py`); docs/generate.md lists each with its source.
 */

const envVarName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, {
  message: "must be an environment variable name ([A-Za-z_][A-Za-z0-9_]*)",
});

export const modes = ["alpaca", "self-instruct", "answer", "evol"] as const;
export type GenerateMode = (typeof modes)[number];

export const endpointSchema = z
  .object({
    base_url: z
      .string()
      .url()
      .describe("OpenAI-compatible API root, e.g. https://api.openai.com/v1."),
    model: z.string().min(1).describe("Model name sent with every request."),
    api_key_secret: envVarName
      .optional()
      .describe(
        "Name of the environment variable holding the API key (never written anywhere); unset for servers without keys.",
      ),
  })
  .strict();

/** USD per million tokens, in and out (0: free or unknown). */
export const pricingSchema = z
  .object({
    input_per_1m_usd: z.number().min(0).default(0).describe("USD per million input tokens."),
    output_per_1m_usd: z.number().min(0).default(0).describe("USD per million output tokens."),
  })
  .strict()
  .default({ input_per_1m_usd: 0, output_per_1m_usd: 0 });

export const sampling = {
  temperature: z.number().min(0).max(2).describe("Sampling temperature."),
  top_p: z.number().min(0).max(1).describe("Nucleus sampling mass."),
  max_tokens: z.number().int().min(1).describe("Most tokens one answer may have."),
  presence_penalty: z.number().min(-2).max(2).describe("OpenAI presence penalty."),
  frequency_penalty: z.number().min(-2).max(2).describe("OpenAI frequency penalty."),
  stop: z.array(z.string().min(1)).max(4).describe("Stop sequences (at most 4, the API's limit)."),
};

const alpacaRecipe = z
  .object({
    prompt_seed_tasks: z
      .number()
      .int()
      .min(1)
      .default(3)
      .describe("Seed tasks shown in each prompt (num_prompt_instructions)."),
    prompt_machine_tasks: z
      .number()
      .int()
      .min(0)
      .default(0)
      .describe(
        "Generated tasks shown in each prompt besides the seeds (Alpaca samples seeds only).",
      ),
    tasks_per_request: z
      .number()
      .int()
      .min(2)
      .default(20)
      .describe("Length of the numbered list the model is asked to complete."),
    temperature: sampling.temperature.default(1.0),
    top_p: sampling.top_p.default(1.0),
    max_tokens: sampling.max_tokens.default(3072),
    presence_penalty: sampling.presence_penalty.default(0),
    frequency_penalty: sampling.frequency_penalty.default(0),
    stop: sampling.stop
      .optional()
      .describe('Stop sequences; default ["\\n20", "20.", "20."] for 20 tasks per request.'),
    prompt_file: z
      .string()
      .optional()
      .describe("A file whose text replaces the built-in instructions at the top of the prompt."),
  })
  .strict();

const selfInstructRecipe = z
  .object({
    prompt_seed_tasks: z
      .number()
      .int()
      .min(1)
      .default(6)
      .describe("Seed instructions per prompt (8 in all, minus the machine ones)."),
    prompt_machine_tasks: z
      .number()
      .int()
      .min(0)
      .default(2)
      .describe("Generated instructions per prompt, once there are any."),
    temperature: sampling.temperature.default(0.7),
    top_p: sampling.top_p.default(0.5),
    max_tokens: sampling.max_tokens.default(1024),
    presence_penalty: sampling.presence_penalty.default(2),
    frequency_penalty: sampling.frequency_penalty.default(0),
    stop: sampling.stop.default(["\n\n", "\n16", "16.", "16 ."]),
    instances: z
      .object({
        temperature: sampling.temperature.default(0),
        top_p: sampling.top_p.default(0),
        max_tokens: sampling.max_tokens.default(350),
        presence_penalty: sampling.presence_penalty.default(1.5),
        frequency_penalty: sampling.frequency_penalty.default(0),
        stop: sampling.stop.default(["Example 6", "Task:"]),
      })
      .strict()
      .default({
        temperature: 0,
        top_p: 0,
        max_tokens: 350,
        presence_penalty: 1.5,
        frequency_penalty: 0,
        stop: ["Example 6", "Task:"],
      })
      .describe("The second stage: one request per kept instruction for its input and output."),
  })
  .strict();

const alpacaBlacklist = [
  "image",
  "images",
  "graph",
  "graphs",
  "picture",
  "pictures",
  "file",
  "files",
  "map",
  "maps",
  "draw",
  "plot",
  "go to",
  "video",
  "audio",
  "music",
  "flowchart",
  "diagram",
];
/** Self-Instruct's list is Alpaca's without the last five. */
const selfInstructBlacklist = alpacaBlacklist.slice(0, 13);

const filtersSchema = (blacklist: string[]) =>
  z
    .object({
      min_words: z
        .number()
        .int()
        .min(0)
        .default(4)
        .describe("Fewest words an instruction may have (the recipes drop 3 or fewer)."),
      max_words: z
        .number()
        .int()
        .min(1)
        .default(150)
        .describe("Most words an instruction may have."),
      blacklist: z
        .array(z.string().min(1))
        .default(blacklist)
        .describe("Whole words or phrases (case-insensitive) that drop an instruction."),
      drop_prefixes: z
        .array(z.string().min(1))
        .default(["Write a program"])
        .describe("Instructions starting with one of these are dropped."),
      leading_punctuation: z
        .boolean()
        .default(true)
        .describe("Drop instructions that start with ASCII punctuation."),
      non_ascii_start: z
        .boolean()
        .default(true)
        .describe("Drop instructions whose first character is not ASCII."),
    })
    .strict();

const dedupSchema = z
  .object({
    threshold: z
      .number()
      .min(0)
      .max(1)
      .default(0.7)
      .describe("An instruction whose ROUGE-L F with any kept one is above this is dropped."),
  })
  .strict()
  .default({ threshold: 0.7 });

/** What every mode has: the endpoint, output, limits, pricing and retries. */
export const requestSettings = {
  endpoint: endpointSchema,
  output: z
    .string()
    .min(1)
    .optional()
    .describe(
      "Alpaca JSONL to write; relative to the spec. Required by data generate; an experiment's generate: source without it writes to the workspace cache.",
    ),
  seed: z.number().int().min(0).default(42).describe("Seeds the choice of in-context tasks."),
  concurrency: z.number().int().min(1).max(256).default(4).describe("Requests in flight at once."),
  max_requests: z
    .number()
    .int()
    .min(1)
    .optional()
    .describe("Stop after this many requests even if fewer records were kept (default: no cap)."),
  budget: z
    .object({
      max_cost_usd: z.number().min(0).optional().describe("Stop once this much is spent."),
      max_tokens: z
        .number()
        .int()
        .min(0)
        .optional()
        .describe("Stop once this many tokens (input + output) are used."),
    })
    .strict()
    .default({})
    .describe("Limits: no new request starts once one is reached; requests in flight finish."),
  pricing: pricingSchema,
  retry: z
    .object({
      max_attempts: z.number().int().min(1).default(6).describe("Tries per request."),
      initial_delay_s: z.number().min(0).default(1).describe("First back-off (jittered)."),
      max_delay_s: z.number().min(0).default(60).describe("Longest wait between tries."),
      timeout_s: z.number().min(1).default(600).describe("Longest one try may take."),
    })
    .strict()
    .default({ max_attempts: 6, initial_delay_s: 1, max_delay_s: 60, timeout_s: 600 }),
};

const common = {
  ...requestSettings,
  seeds: z
    .string()
    .min(1)
    .describe(
      "Seed tasks: Self-Instruct JSONL ({id, instruction, instances, ...}) or {instruction, input, output} JSONL; relative to the spec.",
    ),
  num_instructions: z.number().int().min(1).describe("Records to produce."),
  dedup: dedupSchema,
};

export const alpacaSpecSchema = z
  .object({
    mode: z.literal("alpaca"),
    ...common,
    recipe: alpacaRecipe.default(alpacaRecipe.parse({})),
    filters: filtersSchema(alpacaBlacklist).default(filtersSchema(alpacaBlacklist).parse({})),
  })
  .strict();

export const selfInstructSpecSchema = z
  .object({
    mode: z.literal("self-instruct"),
    ...common,
    recipe: selfInstructRecipe.default(selfInstructRecipe.parse({})),
    filters: filtersSchema(selfInstructBlacklist).default(
      filtersSchema(selfInstructBlacklist).parse({}),
    ),
  })
  .strict();

export const modeSchema = z
  .object({ mode: z.enum(modes).describe("The recipe: alpaca | self-instruct | answer | evol.") })
  .loose();

export type AlpacaSpec = z.infer<typeof alpacaSpecSchema>;
export type SelfInstructSpec = z.infer<typeof selfInstructSpecSchema>;
export type GenerateSpec = AlpacaSpec | SelfInstructSpec | AnswerSpec | EvolSpec;
export type FilterSettings = AlpacaSpec["filters"];
export type { AnswerSpec, EvolOperation, EvolSpec } from "./answer-evol-spec-schema.js";
