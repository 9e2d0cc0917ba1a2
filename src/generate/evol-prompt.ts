import type { EvolOperation } from "./spec-schema.js";

/**
 * Evol-Instruct's prompts (WizardLM, Xu et al. 2023; `Evol_Instruct/depth.py`, `breadth.py` of
 * nlpxucan/WizardLM, the paper's appendix for "complicate input" and the equality check), in
 * our own words, with the published structure and the published markers: the model's answer
 * follows `#Rewritten Prompt#:` / `#Created Prompt#:`, and those markers are what the
 * elimination rule for copied prompt words looks for.
 */

const inDepthMethods: Record<Exclude<EvolOperation, "in_breadth">, string> = {
  add_constraints: "Add one more constraint or requirement to #The Given Prompt#.",
  deepening:
    "If #The Given Prompt# asks about certain issues, increase the depth and breadth of the inquiry.",
  concretizing: "Replace general concepts with more specific ones.",
  increased_reasoning_steps:
    "If #The Given Prompt# can be solved with only a few simple steps of thinking, rewrite it to ask explicitly for multi-step reasoning.",
  complicate_input:
    "Give #The Given Prompt# a more complex input to work on: data in a format such as a table, JSON, XML, SQL, code or a formula.",
};

function inDepthPrompt(method: string, instruction: string): string {
  return [
    "I want you to act as a Prompt Rewriter.",
    "Your objective is to rewrite a given prompt into a more complex version, so that well-known AI assistants (such as ChatGPT and GPT-4) find it somewhat harder to handle.",
    "The rewritten prompt must stay reasonable, and humans must be able to understand and answer it.",
    "Do not leave out the non-text parts of #The Given Prompt#, such as tables and code, nor its input.",
    "Make the given prompt more complex with this method:",
    method,
    "Keep #Rewritten Prompt# from becoming verbose: it may add only 10 to 20 words to #The Given Prompt#.",
    "'#The Given Prompt#', '#Rewritten Prompt#', 'given prompt' and 'rewritten prompt' must not appear in #Rewritten Prompt#.",
    "#The Given Prompt#:",
    instruction,
    "#Rewritten Prompt#:",
    "",
  ].join("\n");
}

function inBreadthPrompt(instruction: string): string {
  return [
    "I want you to act as a Prompt Creator.",
    "Your goal is to take inspiration from the #Given Prompt# and create a brand new prompt.",
    "The new prompt should belong to the same domain as the #Given Prompt# but be rarer.",
    "The LENGTH and complexity of the #Created Prompt# should be similar to those of the #Given Prompt#.",
    "The #Created Prompt# must be reasonable, and humans must be able to understand and answer it.",
    "'#Given Prompt#', '#Created Prompt#', 'given prompt' and 'created prompt' must not appear in #Created Prompt#.",
    "#Given Prompt#:",
    instruction,
    "#Created Prompt#:",
    "",
  ].join("\n");
}

/** The rewrite request for one instruction and operation. */
export function encodeEvolPrompt(operation: EvolOperation, instruction: string): string {
  const text = instruction.trim();
  return operation === "in_breadth"
    ? inBreadthPrompt(text)
    : inDepthPrompt(inDepthMethods[operation], text);
}

/** The paper's equality check: does the evolved instruction add anything to its parent? */
export function encodeEqualityPrompt(parent: string, evolved: string): string {
  return [
    "Here are two instructions. Do you think they are equal to each other, meeting these requirements?",
    "1. They have the same constraints and requirements.",
    "2. They have the same depth and breadth of inquiry.",
    `The First Prompt: ${parent.trim()}`,
    `The Second Prompt: ${evolved.trim()}`,
    "Your Judgement (just answer: Equal or Not Equal. No need to explain the reason.):",
  ].join("\n");
}

/** A seed as an instruction to evolve: WizardLM evolves the instruction and its input as one text. */
export function evolvableText(instruction: string, input: string): string {
  return input.trim() === "" ? instruction.trim() : `${instruction.trim()}\n${input.trim()}`;
}
