// The judge against the test double of a paid LLM API (scripts/testbed/fake-llm-server.mjs),
// through the same OpenAI client `data generate` uses.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
// @ts-expect-error: a plain .mjs test double without types
import { startFakeLlmServer } from "../../scripts/testbed/fake-llm-server.mjs";
import { openAiEndpoint } from "../generate/index.js";
import { judgeSpecSchema } from "./judge-spec.js";
import {
  combine,
  judgePairs,
  judgePrompt,
  parseVerdict,
  type JudgePair,
} from "./pairwise-judge.js";

interface FakeServer {
  url: string;
  script: Array<Record<string, unknown>>;
  requests: Array<{ id?: string }>;
  close(): Promise<void>;
}

let server: FakeServer;
beforeEach(async () => {
  server = (await startFakeLlmServer()) as FakeServer;
});
afterEach(async () => {
  await server.close();
});

const pairs: JudgePair[] = [
  {
    prompt_id: "p1",
    prompt: "Name a colour.",
    candidate: "Blue, the colour of the sky.",
    reference: "no",
  },
  { prompt_id: "p2", prompt: "Say hi.", candidate: "hi", reference: "Hello there, friend!" },
  { prompt_id: "p3", prompt: "Count.", candidate: "1 2 3", reference: "3 2 1" },
];

function judge(pricing = { input_per_1m_usd: 2, output_per_1m_usd: 8 }) {
  const spec = judgeSpecSchema.parse({
    endpoint: { base_url: server.url, model: "fake" },
    pricing,
  });
  const endpoint = openAiEndpoint({ baseURL: server.url, model: "fake", timeoutMs: 10_000 });
  return judgePairs(
    { endpoint, spec, signal: new AbortController().signal, sleep: async () => {} },
    pairs,
  );
}

describe("the pairwise judge", () => {
  it("asks each prompt in both orders and combines them into a verdict and a win rate", async () => {
    const tally = await judge();
    expect(server.requests.map((r) => r.id)).toEqual([
      "p1.A",
      "p1.B",
      "p2.A",
      "p2.B",
      "p3.A",
      "p3.B",
    ]);
    // the double prefers the longer answer wherever it stands
    expect(tally.verdicts.map((v) => [v.prompt_id, v.verdict, v.consistent])).toEqual([
      ["p1", "win", true],
      ["p2", "loss", true],
      ["p3", "tie", true],
    ]);
    expect(tally.verdicts[0]!.orders).toEqual([
      { candidate_as: "A", said: "A" },
      { candidate_as: "B", said: "B" },
    ]);
    expect([tally.wins, tally.losses, tally.ties]).toEqual([1, 1, 1]);
    expect(tally.win_rate).toBeCloseTo(0.5);
  });

  it("turns a judge that always prefers position A into ties, not wins", async () => {
    for (let i = 0; i < 6; i++) server.script.push({ kind: "ok", content: "A is better. [[A]]" });
    const tally = await judge();
    expect(tally.verdicts.every((v) => v.verdict === "tie" && !v.consistent)).toBe(true);
    expect(tally.win_rate).toBe(0.5);
  });

  it("counts the tokens the API reported and prices them", async () => {
    const tally = await judge({ input_per_1m_usd: 2, output_per_1m_usd: 8 });
    // the double reports ceil(chars / 4) tokens for the prompt and for the answer
    let input = 0;
    for (const pair of pairs) {
      input += Math.ceil(judgePrompt(pair.prompt, pair.candidate, pair.reference).length / 4);
      input += Math.ceil(judgePrompt(pair.prompt, pair.reference, pair.candidate).length / 4);
    }
    expect(tally.usage.requests).toBe(6);
    expect(tally.usage.input_tokens).toBe(input);
    expect(tally.usage.output_tokens).toBeGreaterThan(0);
    expect(tally.cost_usd).toBeCloseTo((input * 2 + tally.usage.output_tokens * 8) / 1e6, 12);
  });

  it("retries a failed request and gives up after max_attempts", async () => {
    server.script.push({ kind: "500" });
    const tally = await judge();
    expect(server.requests).toHaveLength(7);
    expect(tally.usage.requests).toBe(6);
    for (let i = 0; i < 3; i++) server.script.push({ kind: "500" });
    await expect(judge()).rejects.toThrow();
  });
});

describe("verdicts", () => {
  it("reads the last [[A]] / [[B]] / [[C]], else nothing", () => {
    expect(parseVerdict("[[B]] at first, but [[A]]")).toBe("A");
    expect(parseVerdict("a tie: [[C]]")).toBe("tie");
    expect(parseVerdict("A is better")).toBe("unreadable");
  });

  it("a win in one order and a tie in the other is a win; one unreadable order leaves the other", () => {
    expect(
      combine([
        { candidate_as: "A", said: "A" },
        { candidate_as: "B", said: "tie" },
      ]).verdict,
    ).toBe("win");
    expect(
      combine([
        { candidate_as: "A", said: "unreadable" },
        { candidate_as: "B", said: "A" },
      ]),
    ).toEqual({ verdict: "loss", consistent: false });
  });
});
