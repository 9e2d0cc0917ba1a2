import { describe, expect, it } from "vitest";
import { alpacaSpecSchema } from "./spec-schema.js";
import { sampleIndices, seededRandom, TaskPool } from "./task-pool.js";

const filters = alpacaSpecSchema.shape.filters.parse(undefined);
const seed = {
  id: "s0",
  instruction: "Write a short note about rivers for a newsletter.",
  input: "",
  output: "x",
};
const provenance = { mode: "alpaca", request: "tasks-0", seed_ids: ["s0"], model: "m" };
const task = (instruction: string) => ({ instruction, input: "", output: "y" });

describe("the task pool: filters, then ROUGE-L dedup against seeds and kept tasks", () => {
  it("rejects near-copies of a seed and of a kept task, keeps the rest", () => {
    const pool = new TaskPool([seed], filters, 0.7);
    pool.offer(task("Write a short note about rivers for the newsletter."), provenance);
    pool.offer(task("Explain how compound interest grows over ten years."), provenance);
    pool.offer(task("Explain how compound interest grows over twenty years."), provenance);
    pool.offer(task("Draw a map of your town."), provenance);
    expect(pool.kept.map((t) => t.instruction)).toEqual([
      "Explain how compound interest grows over ten years.",
    ]);
    expect(Object.fromEntries(pool.rejections)).toEqual({ duplicate: 2, blacklist: 1 });
    expect(pool.kept[0]?.provenance.request).toBe("tasks-0");
  });

  it("a higher threshold keeps what 0.7 drops", () => {
    const pool = new TaskPool([seed], filters, 0.95);
    pool.offer(task("Write a short note about rivers for the newsletter."), provenance);
    expect(pool.kept).toHaveLength(1);
  });
});

describe("seeded sampling", () => {
  it("draws distinct indices, the same for the same seed and request", () => {
    const a = sampleIndices(175, 3, seededRandom(42, "tasks", 7));
    expect(new Set(a).size).toBe(3);
    expect(a.every((i) => i >= 0 && i < 175)).toBe(true);
    expect(sampleIndices(175, 3, seededRandom(42, "tasks", 7))).toEqual(a);
    expect(sampleIndices(2, 5, seededRandom(1))).toHaveLength(2);
  });
});
