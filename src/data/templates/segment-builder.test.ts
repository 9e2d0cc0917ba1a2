import { describe, expect, it } from "vitest";
import { FixedText } from "./json-text.js";
import { SegmentBuilder } from "./segment-builder.js";

const pieces = [
  "plain",
  'a "quote" and a \\ backslash',
  "control \u0000\u0001\u001f\t\n\r",
  "pair \ud83d\ude00",
  "\ud83d",
  "\ude00",
  "ends high \ud83d",
  "\ude00 starts low",
  "\u2028\u2029\u007f é 漢字",
  "",
];

describe("SegmentBuilder.line", () => {
  it("is JSON.stringify of the segments for any mix of pieces, fixed or not", () => {
    for (const a of pieces) {
      for (const b of pieces) {
        for (const fixed of [false, true]) {
          const out = new SegmentBuilder()
            .context(a)
            .context(fixed ? new FixedText(b) : b)
            .trained(b)
            .trained(a)
            .context(new FixedText("\n### Response:\n"));
          expect(out.line()).toBe(JSON.stringify({ segments: out.segments }));
        }
      }
    }
  });

  it("keeps a surrogate pair split across two pieces as the pair", () => {
    const out = new SegmentBuilder().context("x\ud83d").context("\ude00y");
    expect(out.line()).toBe('{"segments":[{"text":"x😀y","train":false}]}');
  });
});
