import type { Conversation } from "../example.js";
import { SegmentBuilder } from "./segment-builder.js";
import { userText, type PromptTemplate } from "./prompt-template.js";

/**
 * ChatML: `<|im_start|>role\ntext<|im_end|>\n`. The answer and its `<|im_end|>` are trained;
 * the newline after it is context, matching the usual Hugging Face chatml chat template.
 */
export const chatmlTemplate: PromptTemplate = {
  name: "chatml",
  render(conversation: Conversation) {
    const out = new SegmentBuilder();
    if (conversation.system !== undefined) {
      out.context(`<|im_start|>system\n${conversation.system}<|im_end|>\n`);
    }
    for (const turn of conversation.turns) {
      if (turn.role === "user") {
        out.context(`<|im_start|>user\n${userText(turn.content, turn.input)}<|im_end|>\n`);
        out.context("<|im_start|>assistant\n");
      } else {
        out.trained(`${turn.content}<|im_end|>`).context("\n");
      }
    }
    return out.segments;
  },
};
