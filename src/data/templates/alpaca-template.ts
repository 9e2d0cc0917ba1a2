import type { Conversation } from "../example.js";
import { SegmentBuilder } from "./segment-builder.js";
import type { PromptTemplate } from "./prompt-template.js";

// Stanford Alpaca's PROMPT_DICT (tatsu-lab/stanford_alpaca, train.py), with the newline after
// `### Response:` that the README layout and most trainers (alpaca-lora, axolotl) use.
const withInputPreamble =
  "Below is an instruction that describes a task, paired with an input that provides further context. " +
  "Write a response that appropriately completes the request.";
const noInputPreamble =
  "Below is an instruction that describes a task. " +
  "Write a response that appropriately completes the request.";

/**
 * Alpaca. A record's system prompt replaces the preamble sentence. Later turns of a
 * multi-turn conversation continue with `### Instruction:` / `### Response:` blocks.
 */
export const alpacaTemplate: PromptTemplate = {
  name: "alpaca",
  render(conversation: Conversation) {
    const out = new SegmentBuilder();
    conversation.turns.forEach((turn, i) => {
      if (turn.role === "assistant") {
        out.trained(turn.content);
        return;
      }
      if (i === 0) {
        const preamble = conversation.system ?? (turn.input ? withInputPreamble : noInputPreamble);
        out.context(`${preamble}\n\n`);
      } else {
        out.context("\n\n");
      }
      out.context(`### Instruction:\n${turn.content}\n\n`);
      if (turn.input) out.context(`### Input:\n${turn.input}\n\n`);
      out.context("### Response:\n");
    });
    return out.segments;
  },
};
