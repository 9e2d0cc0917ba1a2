import { describe, expect, it } from "vitest";
import { editDistance, suggest } from "./suggest.js";

describe("suggest", () => {
  const keys = ["learning_rate", "lr_scheduler", "micro_batch_size", "epochs", "max_steps"];
  it.each([
    ["lr", "learning_rate"],
    ["learnin_rate", "learning_rate"],
    ["epoch", "epochs"],
    ["maxsteps", "max_steps"],
    ["mbs", "micro_batch_size"],
  ])("%s -> %s", (word, expected) => expect(suggest(word, keys)).toBe(expected));

  it("stays quiet when nothing is close", () => expect(suggest("banana", keys)).toBeUndefined());
  it("counts a swap as one edit", () => expect(editDistance("dtpye", "dtype")).toBe(1));
});
