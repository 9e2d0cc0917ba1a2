import { z } from "zod";

/** One prompt answered while training: the user turn of a conversation, rendered by data.template. */
export const evalPromptObjectSchema = z
  .object({
    id: z
      .string()
      .regex(/^[\w.-]+$/, "letters, digits, . _ - only")
      .optional()
      .describe("Stable id shown by `show` and `compare` (default prompt-<N>, counting from 1)."),
    instruction: z.string().min(1).describe("The user's request."),
    input: z.string().optional().describe("Alpaca's input: context written after the instruction."),
    system: z.string().optional().describe("System prompt for this prompt."),
  })
  .strict();

export const evalPromptSchema = z
  .union([z.string().min(1), evalPromptObjectSchema])
  .describe("A prompt: its instruction as text, or {id, instruction, input, system}.");

export const evalSchema = z
  .object({
    prompts: z
      .union([
        z
          .string()
          .min(1)
          .describe(
            "A file, relative to the file that names it: .jsonl (one prompt a line: a JSON string or object) or text (one instruction a line).",
          ),
        z.array(evalPromptSchema),
      ])
      .optional()
      .describe(
        "Prompts answered greedily at step 0 (the base model) and at every eval, into generations.jsonl; default: the first eval records' prompts. An empty list asks none.",
      ),
  })
  .strict();

export type EvalConfig = z.infer<typeof evalSchema>;
export type EvalPrompt = z.infer<typeof evalPromptSchema>;
