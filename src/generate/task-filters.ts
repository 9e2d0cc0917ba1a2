import type { RejectReason } from "./candidate.js";
import type { FilterSettings } from "./spec-schema.js";

/** ASCII punctuation, as Python's `string.punctuation`. */
const punctuation = new Set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~");

export interface InstructionFilter {
  /** Why the instruction is dropped, or undefined to keep it. */
  check(instruction: string): RejectReason | undefined;
}

/** The recipes' rule-based filters, in their order; each is a setting (docs/generate.md). */
export function instructionFilter(settings: FilterSettings): InstructionFilter {
  const words = settings.blacklist.map(
    (word) => new RegExp(`\\b(${word.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")})\\b`, "i"),
  );
  return {
    check(instruction) {
      if (instruction.trim() === "") return "empty";
      const count = instruction.split(/\s+/).filter(Boolean).length;
      if (count < settings.min_words) return "too_short";
      if (count > settings.max_words) return "too_long";
      if (words.some((word) => word.test(instruction))) return "blacklist";
      if (settings.drop_prefixes.some((prefix) => instruction.startsWith(prefix))) return "prefix";
      const first = instruction[0]!;
      if (settings.leading_punctuation && punctuation.has(first)) return "punctuation";
      if (settings.non_ascii_start && first.charCodeAt(0) > 0x7f) return "non_ascii";
      return undefined;
    },
  };
}
