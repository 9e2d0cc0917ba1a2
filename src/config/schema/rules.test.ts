import { describe, expect, it } from "vitest";
import { experimentSchema } from "./experiment.js";

const base = { name: "t", data: { train: [{ path: "d.jsonl", format: "alpaca" }] } };

function problems(extra: Record<string, unknown>): string[] {
  const parsed = experimentSchema.safeParse({ ...base, train: { max_steps: 5 }, ...extra });
  return parsed.success
    ? []
    : parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
}

describe("the rules validate applies so the trainer never refuses after staging", () => {
  it("trains 3 epochs, as transformers' Trainer does, when no length is given", () => {
    const parsed = experimentSchema.parse(base);
    expect(parsed.train.epochs).toBe(3);
    expect(parsed.train.max_steps).toBeUndefined();
    const steps = experimentSchema.parse({ ...base, train: { max_steps: 7 } });
    expect(steps.train.epochs).toBeUndefined();
    expect(experimentSchema.parse({ ...base, train: { micro_batch_size: 2 } }).train.epochs).toBe(
      3,
    );
  });

  it("refuses fractional epochs instead of truncating them", () => {
    expect(problems({ train: { epochs: 1.5 } })).toEqual([
      "train.epochs: must be a whole number of epochs; for part of one, set train.max_steps",
    ]);
    expect(problems({ train: { epochs: 2 } })).toEqual([]);
  });

  it("refuses model.revision for a model that has none", () => {
    expect(problems({ model: { base: "builtin:tiny", revision: "main" } })[0]).toMatch(
      /^model\.revision: model\.revision applies to Hugging Face Hub ids/,
    );
    expect(problems({ model: { base: "./models/m", revision: "v1" } })).toHaveLength(1);
    expect(problems({ model: { base: "org/model", revision: "v1" } })).toEqual([]);
  });

  it("refuses model.tiny with another base model (it would be ignored)", () => {
    expect(problems({ model: { base: "org/model", tiny: { n_layer: 1 } } })[0]).toMatch(
      /^model\.tiny: model\.tiny applies only to model\.base builtin:tiny/,
    );
  });

  it("refuses tiny sizes the tiny model cannot build", () => {
    expect(problems({ model: { tiny: { n_embd: 64, n_head: 3 } } })[0]).toMatch(
      /^model\.tiny\.n_head: .*must be an even whole number/,
    );
    expect(problems({ model: { tiny: { n_embd: 64, n_head: 4 } } })).toEqual([]);
  });

  it("refuses LoRA targets that match no module of the tiny model", () => {
    expect(problems({ lora: { target_modules: ["c_attn"] } })[0]).toMatch(
      /^lora\.target_modules: no module of builtin:tiny matches/,
    );
    expect(problems({ model: { base: "gpt2" }, lora: { target_modules: ["c_attn"] } })).toEqual([]);
  });

  it("refuses what the trainer's own schema refuses: schedulers, dtypes, biases", () => {
    expect(problems({ train: { max_steps: 5, lr_scheduler: "step" } })).toHaveLength(1);
    expect(problems({ model: { dtype: "fp8" } })).toHaveLength(1);
    expect(problems({ lora: { bias: "some" } })).toHaveLength(1);
  });
});
