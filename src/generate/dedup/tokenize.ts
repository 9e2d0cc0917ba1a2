// The tokens ROUGE-L is computed over. rouge_score's tokenizer lowercases, turns every run of
// characters outside [a-z0-9] into a space and drops what is left empty, so an instruction in
// Chinese, Russian or Arabic has no tokens at all and is never found to be a duplicate. This
// one gives every script tokens and, on ASCII text, exactly rouge_score's tokens.
//
// The rule:
// 1. NFKC, then lowercase (String#toLowerCase: the locale-independent Unicode mapping), so
//    full-width forms, ligatures and compatibility digits fold onto their plain letters.
// 2. Letters of scripts written without spaces between words (Han, Hiragana, Katakana,
//    Bopomofo, Thai, Lao, Khmer, Myanmar; by Script_Extensions, so the prolonged sound mark
//    and iteration marks count) are one token each, together with the combining marks that
//    follow (a Thai vowel sign stays on its consonant).
// 3. Everything else is runs of letters (\p{L}) and digits (\p{N}) of any script, with the
//    combining marks (\p{M}) inside or after them (Devanagari vowel signs, Arabic harakat), so
//    a word is never cut at a diacritic. Digits stay runs in every script ("2023年" is
//    "2023", "年").
// 4. Anything else (spaces, punctuation, symbols, emoji) separates tokens and is dropped.
//
// ASCII text takes a fast path with rouge_score's own expression; for ASCII the general rule
// gives the same tokens (NFKC and lowercase are ASCII-closed, and \p{L}\p{N} on ASCII is
// [A-Za-z0-9]), so the path changes speed, never tokens.

const UNSPACED = [
  "\\p{scx=Han}",
  "\\p{scx=Hiragana}",
  "\\p{scx=Katakana}",
  "\\p{scx=Bopomofo}",
  "\\p{scx=Thai}",
  "\\p{scx=Lao}",
  "\\p{scx=Khmer}",
  "\\p{scx=Myanmar}",
].join("");

const TOKEN = new RegExp(
  `(?=[${UNSPACED}])\\p{L}\\p{M}*|(?:(?:\\p{N}|(?![${UNSPACED}])\\p{L})\\p{M}*)+`,
  "gu",
);
// eslint-disable-next-line no-control-regex -- "is every character ASCII" is the point
const ASCII_ONLY = /^[\x00-\x7f]*$/;
const ASCII_TOKEN = /[a-z0-9]+/g;

/** Unicode-aware ROUGE tokens of `text`; see the rule above. */
export function tokenize(text: string): string[] {
  if (ASCII_ONLY.test(text)) return text.toLowerCase().match(ASCII_TOKEN) ?? [];
  return text.normalize("NFKC").toLowerCase().match(TOKEN) ?? [];
}
