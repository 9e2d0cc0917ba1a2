import type { EvalPrompt } from "../config/index.js";
import type { Conversation } from "./example.js";
import { renderExample } from "./record-render.js";
import type { PromptTemplate } from "./templates/prompt-template.js";
import type { tokenizerTemplate } from "./templates/template-registry.js";

export type RenderedPrompt =
  | { segments: Array<{ text: string; train: false }> }
  | { messages: Array<{ role: "system" | "user"; content: string }> };

/**
 * An eval prompt rendered as a training record's context is: the conversation with an empty
 * answer goes through the template, and what precedes the answer is kept, so the model is
 * asked exactly as it is taught (a record's own system prompt replaces alpaca's preamble, etc).
 */
export function renderEvalPrompt(
  prompt: EvalPrompt,
  template: PromptTemplate | typeof tokenizerTemplate,
): RenderedPrompt {
  const { instruction, input, system } =
    typeof prompt === "string"
      ? { instruction: prompt, input: undefined, system: undefined }
      : prompt;
  const conversation: Conversation = {
    kind: "conversation",
    ...(system !== undefined ? { system } : {}),
    turns: [
      { role: "user", content: instruction, ...(input ? { input } : {}) },
      { role: "assistant", content: "" },
    ],
  };
  const rendered = renderExample(conversation, template);
  if ("messages" in rendered) {
    const before = rendered.messages.slice(0, -1);
    return {
      messages: before.map((m) => ({ role: m.role as "system" | "user", content: m.content })),
    };
  }
  const answer = rendered.segments.findIndex((s) => s.train);
  const context = answer === -1 ? rendered.segments : rendered.segments.slice(0, answer);
  return { segments: context.map((s) => ({ text: s.text, train: false as const })) };
}
