import { describe, expect, it } from "vitest";
import {
  IllegalTransitionError,
  canTransition,
  isTerminal,
  runStates,
  transition,
} from "./run-state.js";

describe("run state machine", () => {
  it("walks the launch path to every end", () => {
    let state = transition("pending", "staging");
    for (const next of ["placing", "launching", "running", "stopping", "cancelled"] as const) {
      state = transition(state, next);
    }
    expect(state).toBe("cancelled");
  });

  it("refuses impossible changes", () => {
    expect(() => transition("succeeded", "running")).toThrow(IllegalTransitionError);
    expect(() => transition("pending", "running")).toThrow(/from pending to running/);
    expect(canTransition("failed", "running")).toBe(false);
  });

  it("starts a new attempt only from an ended, unsuccessful run", () => {
    for (const state of runStates) {
      expect(canTransition(state, "pending")).toBe(
        state === "pending" || state === "failed" || state === "cancelled" || state === "lost",
      );
    }
  });

  it("never leaves succeeded", () => {
    for (const state of runStates) {
      if (state !== "succeeded") expect(canTransition("succeeded", state)).toBe(false);
    }
    expect(isTerminal("succeeded")).toBe(true);
    expect(isTerminal("stopping")).toBe(false);
  });
});
