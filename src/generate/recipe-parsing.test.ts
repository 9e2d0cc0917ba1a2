import { describe, expect, it } from "vitest";
import { alpacaStop, encodeAlpacaPrompt, parseAlpacaAnswer } from "./alpaca-prompt.js";
import { durationMs, rateLimitPauseMs, retryAfterMs } from "./retry-policy.js";
import {
  encodeSelfInstructPrompt,
  parseInstanceAnswer,
  parseSelfInstructAnswer,
} from "./self-instruct-prompt.js";
import { alpacaSpecSchema } from "./spec-schema.js";
import { instructionFilter } from "./task-filters.js";

const seeds = [
  { instruction: "Give three tips for staying healthy:", input: "", output: "Eat, sleep, move." },
  {
    instruction: "Translate the sentence to French.",
    input: "I like tea.",
    output: "J'aime le thé.",
  },
];

describe("alpaca prompt and answer", () => {
  it("numbers the in-context tasks, writes <noinput> and leaves the next instruction open", () => {
    const prompt = encodeAlpacaPrompt("PREAMBLE\n", seeds);
    expect(prompt).toContain(
      "###\n1. Instruction: Give three tips for staying healthy\n1. Input:\n<noinput>\n",
    );
    expect(prompt).toContain("2. Input:\nI like tea.\n2. Output:\nJ'aime le thé.\n");
    expect(prompt.endsWith("###\n3. Instruction:")).toBe(true);
  });

  it("parses numbered tasks into instruction, input and output", () => {
    const answer =
      " Name a colour.\n3. Input:\n<noinput>\n3. Output:\nBlue.\n###\n4. Instruction: Sum the numbers.\n4. Input:\n1, 2\n4. Output:\n3\n###";
    expect(parseAlpacaAnswer(answer, 2, "stop")).toEqual([
      { instruction: "Name a colour.", input: "", output: "Blue." },
      { instruction: "Sum the numbers.", input: "1, 2", output: "3" },
    ]);
  });

  it("drops the last task of an answer cut at the token limit, and reports misnumbered ones", () => {
    const answer =
      " Name a colour.\n3. Input:\n<noinput>\n3. Output:\nBlue.\n###\n9. Instruction: Wrong number.\n9. Input:\nx\n9. Output:\ny\n###\n5. Instruction: Cut sho";
    const parsed = parseAlpacaAnswer(answer, 2, "length");
    expect(parsed.map((c) => c.rejected)).toEqual([undefined, "unparsable", "truncated"]);
    expect(parseAlpacaAnswer(answer, 2, "stop").at(-1)?.rejected).toBe("unparsable");
  });

  it("stops before the 20th task by default", () => {
    expect(alpacaStop(20)).toEqual(["\n20", "20.", "20."]);
    const spec = alpacaSpecSchema.parse({
      mode: "alpaca",
      endpoint: { base_url: "http://127.0.0.1:1/v1", model: "m" },
      seeds: "s.jsonl",
      num_instructions: 1,
      output: "o.jsonl",
    });
    expect(spec.recipe).toMatchObject({
      prompt_seed_tasks: 3,
      tasks_per_request: 20,
      temperature: 1,
      top_p: 1,
      max_tokens: 3072,
    });
    expect(spec.filters.blacklist).toContain("flowchart");
    expect(spec.dedup.threshold).toBe(0.7);
  });
});

describe("self-instruct prompt and answers", () => {
  it("lists instructions and leaves the next number open", () => {
    expect(encodeSelfInstructPrompt(["Sort a list:", "Name a city."])).toBe(
      "Come up with a series of tasks:\n1. Sort a list\n2. Name a city.\n3.",
    );
  });

  it("splits at the numbers, drops an answer cut at the token limit whole", () => {
    const answer =
      " write a haiku about rain.\n4. Explain photosynthesis  simply.\n5 . List three rivers.";
    expect(parseSelfInstructAnswer(answer, "stop").map((c) => c.rejected ?? c.instruction)).toEqual(
      ["Write a haiku about rain.", "Explain photosynthesis simply.", "List three rivers."],
    );
    expect(parseSelfInstructAnswer(answer, "length").every((c) => c.rejected === "truncated")).toBe(
      true,
    );
  });

  it("takes the first instance with an output", () => {
    expect(
      parseInstanceAnswer(
        "Example 1\nList: [3, 1]\nOutput: [1, 3]\nExample 2\nList: [2]\nOutput: [2]",
        "stop",
      ),
    ).toEqual({
      input: "List: [3, 1]",
      output: "[1, 3]",
    });
    expect(parseInstanceAnswer("Output: Paris.", "stop")).toEqual({ input: "", output: "Paris." });
    expect(parseInstanceAnswer("no output here", "stop")).toBeUndefined();
    expect(parseInstanceAnswer("Output: Paris.", "length")).toBeUndefined();
  });
});

describe("the recipes' filters", () => {
  const filters = alpacaSpecSchema.shape.filters.parse(undefined);
  const filter = instructionFilter(filters);
  const cases: Array<[string, string | undefined]> = [
    ["Explain the water cycle to a child.", undefined],
    ["Explain this.", "too_short"],
    [`Explain ${"very ".repeat(150)}much.`, "too_long"],
    ["Describe the image below in detail.", "blacklist"],
    ["Tell me how to GO TO the station.", "blacklist"],
    ["Write a program that sorts numbers quickly.", "prefix"],
    ['"Quote" a famous person about courage.', "punctuation"],
    ["Écrivez une phrase sur la mer.", "non_ascii"],
    ["   ", "empty"],
  ];
  it.each(cases)("%s -> %s", (instruction, reason) => {
    expect(filter.check(instruction)).toBe(reason);
  });

  it("blacklists whole words only, and every filter can be switched off", () => {
    expect(filter.check("Profile the filesystem usage of a server.")).toBeUndefined();
    const off = instructionFilter({
      ...filters,
      leading_punctuation: false,
      non_ascii_start: false,
      blacklist: [],
    });
    expect(off.check("Écrivez une phrase sur la mer.")).toBeUndefined();
    expect(off.check("Describe the image below in detail.")).toBeUndefined();
  });
});

describe("rate-limit headers", () => {
  it("reads Retry-After in seconds, as a date, and retry-after-ms", () => {
    expect(retryAfterMs(new Headers({ "retry-after": "2" }))).toBe(2000);
    expect(retryAfterMs(new Headers({ "retry-after-ms": "150" }))).toBe(150);
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(retryAfterMs(new Headers({ "retry-after": "Thu, 01 Jan 2026 00:00:03 GMT" }), now)).toBe(
      3000,
    );
    expect(retryAfterMs(new Headers({}))).toBeUndefined();
  });

  it("pauses when a window has nothing left, until its reset", () => {
    expect(durationMs("6m0s")).toBe(360_000);
    expect(durationMs("1h2m3.5s")).toBe(3_723_500);
    expect(durationMs("20ms")).toBe(20);
    expect(durationMs("soon")).toBeUndefined();
    const headers = new Headers({
      "x-ratelimit-remaining-requests": "0",
      "x-ratelimit-reset-requests": "1.5s",
      "x-ratelimit-remaining-tokens": "900",
      "x-ratelimit-reset-tokens": "9s",
    });
    expect(rateLimitPauseMs(headers)).toBe(1500);
    expect(
      rateLimitPauseMs(
        new Headers({ "x-ratelimit-remaining-requests": "5", "x-ratelimit-reset-requests": "1s" }),
      ),
    ).toBeUndefined();
  });
});
