import { describe, expect, it } from "vitest";
import { tokenize } from "./index.js";
import { seededRandom } from "./synthetic-instructions.js";

// rouge_score's tokenizer (rouge/tokenize.py, use_stemmer=False), read from its source:
//   text = text.lower(); text = re.sub(r"[^a-z0-9]+", " ", text)
//   tokens = re.split(r"\s+", text); tokens = [x for x in tokens if re.match(r"^[a-z0-9]+$", x)]
// The expected tokens below were worked out by applying those four steps by hand.
const ROUGE_SCORE_ASCII: Array<[string, string[]]> = [
  ["Hello, World!", ["hello", "world"]],
  ["It's 2023: GPT-4 costs $20/month.", ["it", "s", "2023", "gpt", "4", "costs", "20", "month"]],
  ["  Leading   and trailing\tspaces\n", ["leading", "and", "trailing", "spaces"]],
  ["snake_case and camelCase", ["snake", "case", "and", "camelcase"]],
  ["e.g. U.S.A.", ["e", "g", "u", "s", "a"]],
  ["", []],
  ["!!! ??? ...", []],
  [
    "Write a Python function `is_prime(n)` that returns True/False.",
    ["write", "a", "python", "function", "is", "prime", "n", "that", "returns", "true", "false"],
  ],
  ["Rate 5/10; x=3.14 (approx)", ["rate", "5", "10", "x", "3", "14", "approx"]],
];

/** The same four steps in JavaScript, for ASCII text (where Python's lower() is ASCII's). */
function rougeScoreTokenize(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, " ")
    .split(/\s+/)
    .filter((token) => /^[a-z0-9]+$/.test(token));
}

const words = (spaced: string) => spaced.split(" ");

describe("tokenize", () => {
  it.each(ROUGE_SCORE_ASCII)("gives rouge_score's tokens for ASCII %j", (text, tokens) => {
    expect(tokenize(text)).toEqual(tokens);
  });

  it("agrees with rouge_score's steps on random ASCII, on the fast path and the Unicode one", () => {
    const random = seededRandom(7);
    const alphabet = "abcXYZ019 _-.,'\"!?/()\t\n$%&*+=:;<>@[]^`{|}~\\";
    for (let i = 0; i < 2000; i++) {
      const text = Array.from(
        { length: Math.floor(random() * 40) },
        () => alphabet[Math.floor(random() * alphabet.length)],
      ).join("");
      expect(tokenize(text)).toEqual(rougeScoreTokenize(text));
      // A trailing em dash is a separator that sends the text down the Unicode path.
      expect(tokenize(`${text} \u2014`)).toEqual(rougeScoreTokenize(text));
    }
  });

  it("splits unspaced scripts per character and keeps spaced ones as words", () => {
    expect(tokenize("请写一首关于春天的诗。")).toEqual(words("请 写 一 首 关 于 春 天 的 诗"));
    expect(tokenize("東京タワーについて説明してください")).toEqual(
      words("東 京 タ ワ ー に つ い て 説 明 し て く だ さ い"),
    );
    expect(tokenize("สวัสดีครับ")).toEqual(words("ส วั ส ดี ค รั บ"));
    expect(tokenize("Напишите СТИХОТВОРЕНИЕ о весне!")).toEqual(
      words("напишите стихотворение о весне"),
    );
    expect(tokenize("اكتب قصيدة عن الربيع.")).toEqual(["اكتب", "قصيدة", "عن", "الربيع"]);
    expect(tokenize("हिन्दी में लिखें")).toEqual(["हिन्दी", "में", "लिखें"]);
    expect(tokenize("한국어 문장을 번역하세요")).toEqual(["한국어", "문장을", "번역하세요"]);
  });

  it("keeps digits as runs inside unspaced text and mixes scripts", () => {
    expect(tokenize("用Python写一个GPT-4示例, 2023年")).toEqual(
      words("用 python 写 一 个 gpt 4 示 例 2023 年"),
    );
  });

  it("folds compatibility forms and composes accents (NFKC) before lowercasing", () => {
    expect(tokenize("ＧＰＴ－４ ﬁle")).toEqual(["gpt", "4", "file"]);
    expect(tokenize("Cafe\u0301 NAÏVE")).toEqual(tokenize("Café naïve"));
    expect(tokenize("Café naïve")).toEqual(["café", "naïve"]);
  });
});
