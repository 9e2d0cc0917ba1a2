import { FixedText } from "./json-text.js";
import { promptTemplate, userText } from "./prompt-template.js";

// FastChat conversation.py, template "vicuna_v1.1": SeparatorStyle.ADD_COLON_TWO,
// roles USER/ASSISTANT, sep " ", sep2 "</s>". get_prompt() writes
// system + sep, then per message `ROLE: text` + (sep after user, sep2 after assistant).
const vicunaSystem =
  "A chat between a curious user and an artificial intelligence assistant. " +
  "The assistant gives helpful, detailed, and polite answers to the user's questions.";

const defaultStart = new FixedText(`${vicunaSystem} `);
const userStart = new FixedText("USER: ");
const userEnd = new FixedText(" ASSISTANT: ");
const answerEnd = new FixedText("</s>");

/** Vicuna v1.1; the answer and its `</s>` are trained, as in FastChat's own training. */
export const vicunaTemplate = promptTemplate("vicuna", (conversation, out) => {
  if (conversation.system === undefined) out.context(defaultStart);
  else out.context(`${conversation.system} `);
  for (const turn of conversation.turns) {
    if (turn.role === "user")
      out.context(userStart).context(userText(turn.content, turn.input)).context(userEnd);
    else out.trained(turn.content).trained(answerEnd);
  }
});
