/**
 * Evol-Instruct's elimination rules (WizardLM paper, section 3.3): an evolution fails when
 * (1) it adds no information (the LLM judges it equal to its parent, or the normalised texts
 * are the same), (2) the LLM finds it hard to answer ("sorry" in a short answer), (3) the
 * answer is only punctuation and stop words, (4) it copies words of the evolving prompt.
 */

/** Rule 4: the markers of the rewrite prompts, in any case. */
const promptWords = ["given prompt", "rewritten prompt", "created prompt"];

export function copiesEvolvingPrompt(evolved: string): boolean {
  const text = evolved.toLowerCase();
  return promptWords.some((words) => text.includes(words));
}

/** The text without case, punctuation, symbols or spacing differences (any script). */
export function normalisedText(text: string): string {
  return text
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[\p{P}\p{S}]+/gu, " ")
    .replace(/\s+/g, " ")
    .trim();
}

/** Rule 1 without the LLM (equality_check: false), and before asking it. */
export function sameInstruction(parent: string, evolved: string): boolean {
  return normalisedText(parent) === normalisedText(evolved);
}

/** Rule 1: the equality check's answer says Equal (anything else keeps the evolution). */
export function judgedEqual(answer: string): boolean {
  const text = normalisedText(answer);
  return /\bequal\b/.test(text) && !/\b(not|un) ?equal\b/.test(text);
}

/** Rule 2: "sorry" in an answer shorter than `maxWords` words. */
export function hardToAnswer(answer: string, maxWords: number): boolean {
  const words = answer.split(/\s+/).filter(Boolean).length;
  return /sorry/i.test(answer) && words < maxWords;
}

/** NLTK's English stop words, the list the paper's rule most plausibly means. */
const stopWords = new Set(
  (
    "i me my myself we our ours ourselves you you're you've you'll you'd your yours yourself " +
    "yourselves he him his himself she she's her hers herself it it's its itself they them " +
    "their theirs themselves what which who whom this that that'll these those am is are was " +
    "were be been being have has had having do does did doing a an the and but if or because " +
    "as until while of at by for with about against between into through during before after " +
    "above below to from up down in out on off over under again further then once here there " +
    "when where why how all any both each few more most other some such no nor not only own " +
    "same so than too very s t can will just don don't should should've now d ll m o re ve y " +
    "ain aren aren't couldn couldn't didn didn't doesn doesn't hadn hadn't hasn hasn't haven " +
    "haven't isn isn't ma mightn mightn't mustn mustn't needn needn't shan shan't shouldn " +
    "shouldn't wasn wasn't weren weren't won won't wouldn wouldn't"
  ).split(" "),
);

/** Rule 3: nothing but punctuation and stop words (an empty answer included). */
export function onlyPunctuationAndStopWords(answer: string): boolean {
  const words = answer
    .toLowerCase()
    .replace(/’/g, "'")
    .split(/[\s\p{P}\p{S}]+/u)
    .filter(Boolean);
  // split at apostrophes too: "don't" becomes "don" and "t", both stop words
  return words.every((word) => stopWords.has(word));
}
