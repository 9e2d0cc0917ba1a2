import { z } from "zod";

/** One line of `/output/generations.jsonl`: an eval prompt answered greedily at a step. */
export const generationLineSchema = z
  .object({
    ts: z.number().describe("Unix time of the write, in seconds."),
    step: z.number().int().min(0).describe("Optimizer step of the weights (0 is the base model)."),
    attempt: z.number().int().min(1).describe("TUNECTL_ATTEMPT of the trainer that wrote it."),
    prompt_id: z.string().min(1).describe("Stable id of the prompt across steps and runs."),
    prompt: z.string().describe("The prompt as given to the model (template applied)."),
    output: z.string().describe("The model's greedy answer."),
  })
  .strict()
  .describe("tunectl generations.jsonl line.");

export type GenerationLine = z.infer<typeof generationLineSchema>;
