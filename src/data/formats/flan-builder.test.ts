import { describe, expect, it } from "vitest";
import { textLabelSchema, textLabelTasks } from "../../config/index.js";
import type { Conversation } from "../example.js";
import { exemplarIndices, TextLabelBuilder, type FitsCheck } from "./flan-builder.js";
import { builtinTasks } from "./task-phrasings.js";
import { textLabelTask, type LabelledRow } from "./text-label-format.js";

const rowsOf = (n: number): LabelledRow[] =>
  Array.from({ length: n }, (_, i) => {
    const label = i % 3 === 0 ? "negative" : "positive";
    return { text: `review number ${i}`, label, row: { text: `review number ${i}`, label } };
  });

function builder(
  config: Record<string, unknown>,
  rows: LabelledRow[],
  seed = 42,
  fits?: FitsCheck,
) {
  return new TextLabelBuilder(rows, textLabelTask(textLabelSchema.parse(config), seed), fits);
}

function built(b: TextLabelBuilder, index: number): Conversation {
  const record = b.build(index);
  if (!record.example) throw new Error(record.problem.message);
  return record.example;
}

const user = (c: Conversation) => c.turns[0]!;
const answer = (c: Conversation) => c.turns[1]!.content;

describe("built-in template sets", () => {
  it("has 8 or more templates per task, inverted ones among them, ids unique and <task>/<n>", () => {
    expect(Object.keys(builtinTasks)).toEqual([...textLabelTasks]);
    const ids = Object.values(builtinTasks).flatMap((set) => set.map((t) => t.id));
    expect(new Set(ids).size).toBe(ids.length);
    for (const [task, set] of Object.entries(builtinTasks)) {
      expect(set.length).toBeGreaterThanOrEqual(8);
      expect(set.some((t) => t.inverted)).toBe(true);
      for (const t of set) expect(t.id).toMatch(new RegExp(`^${task}/\\d+$`));
    }
  });

  it("stores the chosen template's id on every record, and uses every template", () => {
    const b = builder({ task: "sentiment" }, rowsOf(400));
    const seen = new Set<string>();
    for (let i = 0; i < 400; i++) {
      const meta = built(b, i).meta!;
      expect(builtinTasks.sentiment!.map((t) => t.id)).toContain(meta.template);
      seen.add(meta.template);
    }
    expect(seen.size).toBe(builtinTasks.sentiment!.length);
  });

  it("inverted templates swap roles: the label is asked for, the text is the answer", () => {
    const rows = rowsOf(300);
    const b = builder({ task: "sentiment", labels: { negative: "bad", positive: "good" } }, [
      ...rows.map((r) => ({ ...r, label: r.label === "negative" ? "bad" : "good" })),
    ]);
    let inverted = 0;
    for (let i = 0; i < rows.length; i++) {
      const record = built(b, i);
      const template = builtinTasks.sentiment!.find((t) => t.id === record.meta!.template)!;
      const row = rows[i]!;
      const words = row.label === "negative" ? "bad" : "good";
      if (template.inverted) {
        inverted += 1;
        expect(answer(record)).toBe(row.text);
        expect(user(record).content).toContain(words);
        expect(user(record).content).not.toContain("OPTIONS:");
        expect(record.meta!.options).toBe(false);
      } else {
        expect(answer(record)).toBe(words);
        expect(user(record).input).toContain(row.text);
      }
    }
    expect(inverted).toBeGreaterThan(0);
    const forward = builder({ task: "sentiment", inverted: false }, rows);
    for (let i = 0; i < 50; i++) expect(answer(built(forward, i))).toMatch(/^(negative|positive)$/);
  });

  it("takes own templates with ids, own/<index> when none is given", () => {
    const b = builder(
      {
        phrasings: [
          { id: "mine/a", instruction: "Rate: {text}", input: "" },
          { instruction: "Write a {label} one.", input: "", output: "{text}", inverted: true },
        ],
      },
      rowsOf(100),
    );
    const ids = new Set(Array.from({ length: 100 }, (_, i) => built(b, i).meta!.template));
    expect([...ids].sort()).toEqual(["mine/a", "own/1"]);
  });
});

describe("the options block", () => {
  const own = { phrasings: [{ id: "q", instruction: "Sentiment?" }] };

  it("flan style: exactly '\\n\\nOPTIONS:\\n- a\\n- b' after the input", () => {
    const record = built(builder({ ...own, options: { style: "flan" } }, rowsOf(3)), 1);
    expect(user(record).input).toBe("review number 1\n\nOPTIONS:\n- negative\n- positive");
    expect(user(record).content).toBe("Sentiment?");
    expect(record.meta!.options).toBe(true);
  });

  it("takes its prefix and marker, after the instruction when there is no input", () => {
    const config = {
      phrasings: [{ id: "q", instruction: "Sentiment of {text}?", input: "" }],
      options: { prefix: "Choices:", marker: "* " },
    };
    const record = built(builder(config, rowsOf(3)), 0);
    expect(user(record).content).toBe(
      "Sentiment of review number 0?\n\nChoices:\n* negative\n* positive",
    );
    expect(user(record).input).toBeUndefined();
  });

  it("inline style and none; labels map order and words", () => {
    const inline = built(builder({ ...own, options: { style: "inline" } }, rowsOf(3)), 0);
    expect(user(inline).content).toBe("Sentiment? OPTIONS: negative, positive");
    const none = built(builder({ ...own, options: { style: "none" } }, rowsOf(3)), 0);
    expect(user(none).content).toBe("Sentiment?");
    expect(user(none).input).toBe("review number 0");
    expect(none.meta!.options).toBe(false);
    const mapped = builder({ ...own, labels: { pos: "yes", neg: "no" } }, [
      { text: "t", label: "yes", row: {} },
      { text: "u", label: "no", row: {} },
    ]);
    expect(user(built(mapped, 0)).input).toBe("t\n\nOPTIONS:\n- yes\n- no");
  });

  it("is off by default without labels, on with them", () => {
    expect(user(built(builder(own, rowsOf(3)), 0)).input).toBe("review number 0");
    const labelled = builder(
      { ...own, labels: { negative: "negative", positive: "positive" } },
      rowsOf(3),
    );
    expect(user(built(labelled, 0)).input).toContain("\n\nOPTIONS:\n- negative\n- positive");
  });
});

describe("few-shot", () => {
  const config = { phrasings: [{ id: "q", instruction: "Sentiment?" }], few_shot: { k: 4 } };

  it("never includes the record itself; k distinct exemplars", () => {
    const rows = rowsOf(60);
    const b = builder(config, rows);
    for (let i = 0; i < rows.length; i++) {
      const record = built(b, i);
      expect(record.meta!.shots).toBe(4);
      const shots = user(record).content.split("\n\n").slice(0, -1);
      expect(shots).toHaveLength(4);
      expect(new Set(shots).size).toBe(4);
      for (const shot of shots) {
        expect(shot).not.toContain(`review number ${i}\n`);
        expect(shot).toMatch(/^Sentiment\?\nreview number \d+\n(negative|positive)$/);
      }
    }
    for (let self = 0; self < 5; self++)
      for (const k of [1, 4, 10]) {
        const picked = exemplarIndices(self, 5, k, 7 + self);
        expect(picked).not.toContain(self);
        expect(new Set(picked).size).toBe(Math.min(k, 4));
      }
  });

  it("drops exemplars from the end until the record fits", () => {
    const fits: FitsCheck = (c) => user(c).content.length <= 80;
    const b = builder({ ...config, few_shot: { k: 8 } }, rowsOf(30), 42, fits);
    const whole = builder({ ...config, few_shot: { k: 8 } }, rowsOf(30));
    for (let i = 0; i < 30; i++) {
      const pruned = built(b, i);
      expect(user(pruned).content.length).toBeLessThanOrEqual(80);
      expect(pruned.meta!.shots).toBeLessThan(8);
      const full = user(built(whole, i)).content.split("\n\n");
      const kept = user(pruned).content.split("\n\n");
      expect(kept.slice(0, -1)).toEqual(full.slice(0, kept.length - 1));
    }
  });
});

describe("zero-/few-shot and options shares", () => {
  const config = {
    task: "topic",
    inverted: false,
    labels: { negative: "negative", positive: "positive" },
    few_shot: { k: 2 },
    mix: { few_shot: 0.3, options: 0.6 },
  };
  const shares = (seed: number) => {
    const b = builder(config, rowsOf(2000), seed);
    const metas = Array.from({ length: 2000 }, (_, i) => built(b, i).meta!);
    return {
      metas,
      fewShot: metas.filter((m) => m.shots > 0).length / 2000,
      options: metas.filter((m) => m.options).length / 2000,
    };
  };

  it("match the configured shares within tolerance, the same for the same seed", () => {
    const a = shares(42);
    expect(Math.abs(a.fewShot - 0.3)).toBeLessThan(0.04);
    expect(Math.abs(a.options - 0.6)).toBeLessThan(0.04);
    expect(shares(42).metas).toEqual(a.metas);
    expect(shares(43).metas).not.toEqual(a.metas);
  });

  it("zero_shot alone sets the few-shot share", () => {
    const b = builder({ ...config, mix: { zero_shot: 0.8 } }, rowsOf(2000));
    const few = Array.from({ length: 2000 }, (_, i) => built(b, i).meta!.shots > 0).filter(Boolean);
    expect(Math.abs(few.length / 2000 - 0.2)).toBeLessThan(0.04);
  });
});
