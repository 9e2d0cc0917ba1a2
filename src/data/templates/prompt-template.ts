import type { Conversation, Segment } from "../example.js";
import { SegmentBuilder } from "./segment-builder.js";

/**
 * A prompt template turns a conversation into text segments: context (`train: false`) and
 * what the model must learn to write (`train: true`), every assistant turn with the
 * template's own stop text (vicuna `</s>`, chatml `<|im_end|>`, llama3 `<|eot_id|>`).
 * Templates without stop text (alpaca) rely on the trainer appending the tokenizer's EOS
 * token after a trained final segment.
 */
export interface PromptTemplate {
  readonly name: string;
  /** Writes the conversation's segments into `out`. */
  write(conversation: Conversation, out: SegmentBuilder): void;
  render(conversation: Conversation): Segment[];
}

/** A template from its write function. */
export function promptTemplate(
  name: string,
  write: (conversation: Conversation, out: SegmentBuilder) => void,
): PromptTemplate {
  return {
    name,
    write,
    render(conversation) {
      const out = new SegmentBuilder();
      write(conversation, out);
      return out.segments;
    },
  };
}

/** The user's text with alpaca's `input` appended, for templates without an input block. */
export function userText(content: string, input: string | undefined): string {
  return input ? `${content}\n\n${input}` : content;
}
