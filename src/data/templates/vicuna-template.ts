import type { Conversation } from "../example.js";
import { SegmentBuilder } from "./segment-builder.js";
import { userText, type PromptTemplate } from "./prompt-template.js";

// FastChat conversation.py, template "vicuna_v1.1": SeparatorStyle.ADD_COLON_TWO,
// roles USER/ASSISTANT, sep " ", sep2 "</s>". get_prompt() writes
// system + sep, then per message `ROLE: text` + (sep after user, sep2 after assistant).
const vicunaSystem =
  "A chat between a curious user and an artificial intelligence assistant. " +
  "The assistant gives helpful, detailed, and polite answers to the user's questions.";

/** Vicuna v1.1; the answer and its `</s>` are trained, as in FastChat's own training. */
export const vicunaTemplate: PromptTemplate = {
  name: "vicuna",
  render(conversation: Conversation) {
    const out = new SegmentBuilder().context(`${conversation.system ?? vicunaSystem} `);
    for (const turn of conversation.turns) {
      if (turn.role === "user")
        out.context(`USER: ${userText(turn.content, turn.input)} ASSISTANT: `);
      else out.trained(`${turn.content}</s>`);
    }
    return out.segments;
  },
};
