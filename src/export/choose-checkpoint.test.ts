import { describe, expect, it } from "vitest";
import { isTunectlError } from "../errors/index.js";
import { chooseCheckpoint } from "./choose-checkpoint.js";

const checkpoints = [
  { step: 10, metrics: { loss: 2.0, eval_loss: 1.9 } },
  { step: 20, metrics: { loss: 1.0, eval_loss: 1.4 } },
  { step: 30, metrics: { loss: 0.5, eval_loss: 1.6 } },
  { step: 40, metrics: { loss: 0.4 } },
];

function refusal(run: () => unknown): { code: string; message: string; hint?: string } {
  try {
    run();
  } catch (error) {
    if (isTunectlError(error)) return error;
    throw error;
  }
  throw new Error("expected a refusal");
}

describe("chooseCheckpoint", () => {
  it("takes the lowest eval loss, not the lowest train loss nor the newest", () => {
    expect(chooseCheckpoint("r", checkpoints, undefined)).toEqual({
      step: 20,
      chosen_by: "best_eval_loss",
    });
  });

  it("takes the newest in a run that never evaluated", () => {
    const trainOnly = checkpoints.map((c) => ({ step: c.step, metrics: { loss: c.metrics.loss } }));
    expect(chooseCheckpoint("r", trainOnly, undefined)).toEqual({ step: 40, chosen_by: "newest" });
  });

  it("takes --checkpoint when the run has it, and names the steps it has when not", () => {
    expect(chooseCheckpoint("r", checkpoints, 30)).toEqual({ step: 30, chosen_by: "requested" });
    const missing = refusal(() => chooseCheckpoint("r", checkpoints, 25));
    expect(missing.code).toBe("export.unknown_checkpoint");
    expect(missing.hint).toContain("10, 20, 30, 40");
  });

  it("refuses a run without checkpoints, saying how to get them", () => {
    const none = refusal(() => chooseCheckpoint("r", [], undefined));
    expect(none.code).toBe("export.no_checkpoints");
    expect(none.hint).toContain("tunectl sync RUN");
  });
});
