import { describe, expect, it } from "vitest";
import {
  copiesEvolvingPrompt,
  hardToAnswer,
  judgedEqual,
  normalisedText,
  onlyPunctuationAndStopWords,
  sameInstruction,
} from "./evol-elimination.js";

describe("Evol-Instruct elimination rules", () => {
  it("(1) no information gain: the equality check's verdict, and equal text without it", () => {
    expect(judgedEqual("Equal")).toBe(true);
    expect(judgedEqual("equal.")).toBe(true);
    expect(judgedEqual("Not Equal")).toBe(false);
    expect(judgedEqual("not equal - the second adds a limit")).toBe(false);
    expect(judgedEqual("Unequal")).toBe(false);
    expect(judgedEqual("I cannot tell")).toBe(false);

    expect(sameInstruction("Name three rivers.", "  name THREE rivers!  ")).toBe(true);
    expect(sameInstruction("Назовите три реки.", "назовите три реки")).toBe(true);
    expect(sameInstruction("Name three rivers.", "Name three rivers in Asia.")).toBe(false);
    expect(normalisedText("A,  b;\tC")).toBe("a b c");
  });

  it('(2) hard to answer: "sorry" in an answer under 80 words', () => {
    expect(hardToAnswer("Sorry, I cannot help with that.", 80)).toBe(true);
    expect(hardToAnswer("I'm SORRY but this is not possible.", 80)).toBe(true);
    const long = `Sorry for the wait. ${"word ".repeat(80)}`;
    expect(hardToAnswer(long, 80)).toBe(false);
    expect(hardToAnswer("Rivers flow to the sea.", 80)).toBe(false);
    expect(hardToAnswer("Sorry, no.", 2)).toBe(false);
  });

  it("(3) only punctuation and stop words", () => {
    expect(onlyPunctuationAndStopWords("...")).toBe(true);
    expect(onlyPunctuationAndStopWords("")).toBe(true);
    expect(onlyPunctuationAndStopWords("It is, and it was; the one?")).toBe(false);
    expect(onlyPunctuationAndStopWords("It is, and it was; so?!")).toBe(true);
    expect(onlyPunctuationAndStopWords("Don't, won't — it isn't.")).toBe(true);
    expect(onlyPunctuationAndStopWords("Paris is the capital.")).toBe(false);
  });

  it("(4) copies words of the evolving prompt", () => {
    expect(copiesEvolvingPrompt("#Rewritten Prompt#: Name three rivers.")).toBe(true);
    expect(copiesEvolvingPrompt("Rewrite the given prompt so it names rivers.")).toBe(true);
    expect(copiesEvolvingPrompt("#Created Prompt#\nName a lake.")).toBe(true);
    expect(copiesEvolvingPrompt("Based on #The Given Prompt#, name rivers.")).toBe(true);
    expect(copiesEvolvingPrompt("Name three rivers and the prompt a ship gives.")).toBe(false);
  });
});
