import { z } from "zod";

export const tinyModelSchema = z
  .object({
    n_layer: z
      .number()
      .int()
      .min(1)
      .max(48)
      .default(2)
      .describe("Transformer blocks of the builtin tiny GPT."),
    n_head: z
      .number()
      .int()
      .min(1)
      .max(64)
      .default(4)
      .describe("Attention heads of the builtin tiny GPT."),
    n_embd: z
      .number()
      .int()
      .min(8)
      .max(4096)
      .default(64)
      .describe("Embedding width of the builtin tiny GPT."),
  })
  .strict()
  .describe("Size of the builtin:tiny model (CPU demos and tests).");

export const modelSchema = z
  .object({
    base: z
      .string()
      .min(1)
      .default("builtin:tiny")
      .describe(
        "Hugging Face model id, a path on the host, or builtin:tiny (a small GPT for CPU runs).",
      ),
    revision: z.string().optional().describe("Model revision (branch, tag or commit) on the Hub."),
    dtype: z
      .enum(["auto", "float32", "bf16", "fp16"])
      .default("auto")
      .describe("Weights and compute dtype: bf16 on Ampere or newer GPUs, float32 on CPU."),
    trust_remote_code: z
      .boolean()
      .default(false)
      .describe("Allow model code from the Hub repository."),
    tiny: tinyModelSchema.optional(),
  })
  .strict()
  .describe("The base model to adapt.");

export type ModelConfig = z.infer<typeof modelSchema>;
