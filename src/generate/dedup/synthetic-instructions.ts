// Near-duplicate instruction sets made from real ones, the way an LLM repeats itself: a few
// words swapped, dropped, repeated or replaced. Used by the dedup tests and the benchmark to
// get texts on both sides of the threshold; seeded, so every run sees the same set.

import { seededRandom } from "../../data/index.js";

export { seededRandom };

const pick = <T>(items: readonly T[], random: () => number): T =>
  items[Math.floor(random() * items.length)]!;

/** Text with spaces is edited word by word, text without (Chinese, Japanese) character by character. */
function units(text: string): { units: string[]; joiner: string } {
  return /\s/.test(text.trim())
    ? { units: text.trim().split(/\s+/), joiner: " " }
    : { units: Array.from(text), joiner: "" };
}

/** `text` with one to three edits, words for insertions and replacements drawn from `words`. */
export function nearDuplicateOf(
  text: string,
  words: readonly string[],
  random: () => number,
): string {
  const { units: parts, joiner } = units(text);
  const edits = 1 + Math.floor(random() * 3);
  for (let edit = 0; edit < edits; edit++) {
    const at = Math.floor(random() * parts.length);
    const kind = Math.floor(random() * 5);
    if (kind === 0 && parts.length > 1) {
      const next = (at + 1) % parts.length;
      [parts[at], parts[next]] = [parts[next]!, parts[at]!];
    } else if (kind === 1 && parts.length > 1) parts.splice(at, 1);
    else if (kind === 2) parts.splice(at, 0, pick(words, random));
    else if (kind === 3) parts[at] = pick(words, random);
    else parts.splice(at, 0, parts[at] ?? pick(words, random));
  }
  return parts.join(joiner);
}

/**
 * `count` texts: the originals in order, each followed (while there is room) by a near
 * duplicate of a random original already emitted; once the originals run out, only near
 * duplicates.
 */
export function withNearDuplicates(
  originals: readonly string[],
  count: number,
  seed: number,
): string[] {
  const random = seededRandom(seed);
  const words = originals.flatMap((text) => units(text).units);
  const out: string[] = [];
  let next = 0;
  while (out.length < count && originals.length > 0) {
    if (next < originals.length) out.push(originals[next++]!);
    if (out.length >= count) break;
    const source = originals[Math.floor(random() * next)]!;
    out.push(nearDuplicateOf(source, words, random));
  }
  return out;
}
