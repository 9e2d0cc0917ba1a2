/**
 * Built-in template sets for text-label tasks, several per task so a model does not learn one
 * fixed wording, modelled on FLAN's (templates.py): most ask for the label, two per set are
 * inverted (given the label, write the text). Ids are `<task>/<index>` and never reused: a
 * new template gets the next index, so ids stored on records keep their meaning.
 */
export interface Phrasing {
  id: string;
  instruction: string;
  input: string;
  output: string;
  inverted: boolean;
}

type Wording = string | { inverted: string };

function templateSet(task: string, wordings: Wording[]): Phrasing[] {
  return wordings.map((wording, index) =>
    typeof wording === "string"
      ? {
          id: `${task}/${index}`,
          instruction: wording,
          input: "{text}",
          output: "{label}",
          inverted: false,
        }
      : {
          id: `${task}/${index}`,
          instruction: wording.inverted,
          input: "",
          output: "{text}",
          inverted: true,
        },
  );
}

export const builtinTasks: Record<string, Phrasing[]> = {
  classify: templateSet("classify", [
    "Classify the following text.",
    "Which category does this text belong to?",
    "Read the text below and give its label.",
    "Assign the correct category to this text.",
    "What is the best label for this text?",
    "Categorize this text.",
    "Here is a text. Which class does it fall into?",
    "Label the following text with its category.",
    { inverted: 'Write a text that belongs to the category "{label}".' },
    { inverted: "Give an example of a text labelled {label}." },
  ]),
  sentiment: templateSet("sentiment", [
    "What is the sentiment of the following text?",
    "Describe the sentiment expressed in this text.",
    "How does the author of this text feel?",
    "Is the tone of this text positive or negative?",
    "Would you say this text is positive or negative?",
    "Did the author of this text think positively or negatively of the subject?",
    "Please tell me the sentiment of the following text.",
    "Determine the sentiment:",
    { inverted: "Write a text with {label} sentiment." },
    { inverted: "Generate a short text that expresses a {label} sentiment." },
  ]),
  topic: templateSet("topic", [
    "What is the topic of the following text?",
    "Which topic does this text cover?",
    "Name the subject of this passage.",
    "What is this text about?",
    "Which topic is this article about?",
    "Select the topic that this text is about.",
    "What best summarizes the content of the text below?",
    "Read this and identify its topic.",
    { inverted: "Write a short text about {label}." },
    { inverted: "Write a passage whose topic is {label}." },
  ]),
};

export const builtinTaskNames = Object.keys(builtinTasks);
