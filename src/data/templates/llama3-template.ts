import { promptTemplate, userText } from "./prompt-template.js";

const header = (role: string) => `<|start_header_id|>${role}<|end_header_id|>\n\n`;

/**
 * Llama 3 instruct. Like Meta's chat template, message text is trimmed of surrounding
 * whitespace. The answer and its `<|eot_id|>` are trained.
 */
export const llama3Template = promptTemplate("llama3", (conversation, out) => {
  out.context("<|begin_of_text|>");
  if (conversation.system !== undefined) {
    out.context(`${header("system")}${conversation.system.trim()}<|eot_id|>`);
  }
  for (const turn of conversation.turns) {
    if (turn.role === "user") {
      out.context(`${header("user")}${userText(turn.content, turn.input).trim()}<|eot_id|>`);
      out.context(header("assistant"));
    } else {
      out.trained(`${turn.content.trim()}<|eot_id|>`);
    }
  }
});
