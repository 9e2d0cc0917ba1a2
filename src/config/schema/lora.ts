import { z } from "zod";

export const loraSchema = z
  .object({
    r: z.number().int().positive().default(16).describe("LoRA rank."),
    alpha: z
      .number()
      .positive()
      .default(32)
      .describe("LoRA scaling numerator (scale = alpha / r)."),
    dropout: z.number().min(0).max(1).default(0.05).describe("Dropout on the LoRA input."),
    target_modules: z
      .array(z.string().min(1))
      .min(1)
      .default(["q_proj", "k_proj", "v_proj", "o_proj"])
      .describe("Module names that get LoRA adapters."),
    bias: z
      .enum(["none", "all", "lora_only"])
      .default("none")
      .describe("Which biases are trained."),
  })
  .strict()
  .describe("LoRA adapter settings (PEFT LoraConfig).");

export type LoraConfig = z.infer<typeof loraSchema>;
