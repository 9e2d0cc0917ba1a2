import { describe, expect, it } from "vitest";
import { isTunectlError } from "../errors/index.js";
import { parseCheckpointSelection, selectCheckpoints } from "./checkpoint-selection.js";

const known = [
  { step: 10, metrics: { loss: 2.0, eval_loss: 1.9 }, onHost: false },
  { step: 20, metrics: { loss: 1.0, eval_loss: 1.4 }, onHost: true },
  { step: 30, metrics: { loss: 0.5, eval_loss: 1.6 }, onHost: true },
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

describe("--checkpoints", () => {
  it("parses all, best and a list of steps (sorted, once each)", () => {
    expect(parseCheckpointSelection("all")).toEqual({ kind: "all" });
    expect(parseCheckpointSelection("best")).toEqual({ kind: "best" });
    expect(parseCheckpointSelection("30,0,30")).toEqual({ kind: "steps", steps: [0, 30] });
    expect(refusal(() => parseCheckpointSelection("newest")).code).toBe("usage.bad_option");
    expect(refusal(() => parseCheckpointSelection("10,x")).code).toBe("usage.bad_option");
  });

  it("all takes every checkpoint on the host, best the lowest eval loss of those", () => {
    expect(selectCheckpoints("r", known, { kind: "all" })).toEqual([20, 30]);
    expect(selectCheckpoints("r", known, { kind: "best" })).toEqual([20]);
  });

  it("takes listed steps and the base (0), and refuses a missing or removed one by name", () => {
    expect(selectCheckpoints("r", known, { kind: "steps", steps: [0, 30] })).toEqual([0, 30]);
    const missing = refusal(() => selectCheckpoints("r", known, { kind: "steps", steps: [25] }));
    expect(missing.code).toBe("eval.unknown_checkpoint");
    expect(missing.hint).toContain("20, 30");
    const removed = refusal(() => selectCheckpoints("r", known, { kind: "steps", steps: [10] }));
    expect(removed.message).toContain("no longer on its host");
  });

  it("refuses a run without checkpoints on its host", () => {
    expect(refusal(() => selectCheckpoints("r", [], { kind: "all" })).code).toBe(
      "eval.no_checkpoints",
    );
  });
});
