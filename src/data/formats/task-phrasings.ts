/**
 * Built-in phrasings for text-label tasks, several per task so a model does not learn one
 * fixed wording (the FLAN recipe). With a `labels:` map, the options are added to the
 * instruction so the answer space is explicit.
 */
export interface Phrasing {
  instruction: string;
  input: string;
  output: string;
}

const phrase = (instruction: string): Phrasing => ({
  instruction,
  input: "{text}",
  output: "{label}",
});

export const builtinTasks: Record<string, Phrasing[]> = {
  classify: [
    phrase("Classify the following text."),
    phrase("Which category does this text belong to?"),
    phrase("Read the text below and give its label."),
    phrase("Assign the correct category to this text."),
  ],
  sentiment: [
    phrase("What is the sentiment of the following text?"),
    phrase("Describe the sentiment expressed in this text."),
    phrase("How does the author of this text feel?"),
    phrase("Is the tone of this text positive or negative?"),
  ],
  topic: [
    phrase("What is the topic of the following text?"),
    phrase("Which topic does this text cover?"),
    phrase("Name the subject of this passage."),
  ],
};

export const builtinTaskNames = Object.keys(builtinTasks);

export function withOptions(phrasings: Phrasing[]): Phrasing[] {
  return phrasings.map((p) => ({
    ...p,
    instruction: `${p.instruction} Answer with one of: {options}.`,
  }));
}
