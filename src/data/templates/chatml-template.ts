import { FixedText } from "./json-text.js";
import { promptTemplate, userText } from "./prompt-template.js";

const userEnd = new FixedText("<|im_end|>\n<|im_start|>assistant\n");
const answerEnd = new FixedText("<|im_end|>");
const newline = new FixedText("\n");

/**
 * ChatML: `<|im_start|>role\ntext<|im_end|>\n`. The answer and its `<|im_end|>` are trained;
 * the newline after it is context, matching the usual Hugging Face chatml chat template.
 */
export const chatmlTemplate = promptTemplate("chatml", (conversation, out) => {
  if (conversation.system !== undefined) {
    out.context(`<|im_start|>system\n${conversation.system}<|im_end|>\n`);
  }
  for (const turn of conversation.turns) {
    if (turn.role === "user") {
      out.context(`<|im_start|>user\n${userText(turn.content, turn.input)}`).context(userEnd);
    } else {
      out.trained(turn.content).trained(answerEnd).context(newline);
    }
  }
});
