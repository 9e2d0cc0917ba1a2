import { FixedText } from "./json-text.js";
import { promptTemplate } from "./prompt-template.js";

// Stanford Alpaca's PROMPT_DICT (tatsu-lab/stanford_alpaca, train.py), with the newline after
// `### Response:` that the README layout and most trainers (alpaca-lora, axolotl) use.
const withInputPreamble =
  "Below is an instruction that describes a task, paired with an input that provides further context. " +
  "Write a response that appropriately completes the request.";
const noInputPreamble =
  "Below is an instruction that describes a task. " +
  "Write a response that appropriately completes the request.";

// The fixed text between a record's fields, each escaped for JSON once.
const instructionHeader = new FixedText("\n\n### Instruction:\n");
const withInputStart = new FixedText(`${withInputPreamble}${instructionHeader.text}`);
const noInputStart = new FixedText(`${noInputPreamble}${instructionHeader.text}`);
const inputHeader = new FixedText("\n\n### Input:\n");
const responseHeader = new FixedText("\n\n### Response:\n");

/**
 * Alpaca. A record's system prompt replaces the preamble sentence. Later turns of a
 * multi-turn conversation continue with `### Instruction:` / `### Response:` blocks.
 */
export const alpacaTemplate = promptTemplate("alpaca", (conversation, out) => {
  const turns = conversation.turns;
  for (let i = 0; i < turns.length; i++) {
    const turn = turns[i]!;
    if (turn.role === "assistant") {
      out.trained(turn.content);
      continue;
    }
    if (i > 0) out.context(instructionHeader);
    else if (conversation.system !== undefined)
      out.context(conversation.system).context(instructionHeader);
    else out.context(turn.input ? withInputStart : noInputStart);
    out.context(turn.content);
    if (turn.input) out.context(inputHeader).context(turn.input);
    out.context(responseHeader);
  }
});
