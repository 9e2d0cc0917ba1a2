import { describe, expect, it } from "vitest";
import type { RetryConfig } from "../config/index.js";
import type { Attempt, RunRecord } from "../runs/index.js";
import { retryDecision } from "./retry-policy.js";

const policy: RetryConfig = {
  max_restarts: 2,
  on: ["failed", "lost"],
  lost_after_s: 600,
  backoff: { initial_s: 10, factor: 2, max_s: 15 },
};

function ended(state: RunRecord["state"], code?: string, restarts = 0): RunRecord {
  const error = { code: code ?? `run.${state}`, message: code ?? state };
  const attempt = {
    n: 1,
    reason: "launch",
    created_at: "",
    host: "h1",
    gpus: [],
    runtime: "docker",
    host_dir: "/w/runs/r",
    ended_at: "",
    ...(state === "lost"
      ? { state, error, lost_cause: "gone" }
      : state === "failed"
        ? { state, error }
        : code
          ? { state, error }
          : { state }),
  } as Attempt;
  return {
    schema: 2,
    id: "r-20260101-000000-abcd",
    name: "r",
    created_at: "",
    updated_at: "",
    state,
    model: "m",
    image: "i",
    gpus_requested: 0,
    restarts,
    attempts: [attempt],
  };
}

describe("retry policy", () => {
  it("retries listed states with growing, capped backoff", () => {
    expect(retryDecision(ended("failed", "trainer.failed"), policy)).toEqual({
      delayMs: 10_000,
      avoid: [],
      because: "failed",
    });
    expect(retryDecision(ended("failed", "trainer.failed", 1), policy)?.delayMs).toBe(15_000);
    expect(retryDecision(ended("failed", "trainer.failed", 2), policy)).toBeUndefined();
  });

  it("moves away from a host that vanished or filled up", () => {
    expect(retryDecision(ended("lost", "run.lost"), policy)?.avoid).toEqual(["h1"]);
    expect(retryDecision(ended("failed", "host.disk_full"), policy)?.avoid).toEqual(["h1"]);
  });

  it("keeps a Slurm login host: the scheduler, not tunectl, keeps the job off a failed node", () => {
    const lost = ended("lost", "run.lost");
    lost.attempts[0] = { ...lost.attempts[0]!, runtime: "slurm" } as Attempt;
    expect(retryDecision(lost, policy)).toMatchObject({ because: "lost", avoid: [] });
  });

  it("treats an outside SIGTERM as `stopped`, retried only when listed", () => {
    expect(retryDecision(ended("failed", "trainer.stopped"), policy)).toBeUndefined();
    expect(
      retryDecision(ended("failed", "trainer.stopped"), { ...policy, on: ["stopped"] })?.because,
    ).toBe("stopped");
  });

  it("never retries what the user cancelled or what succeeded", () => {
    expect(retryDecision(ended("cancelled"), policy)).toBeUndefined();
    expect(retryDecision(ended("succeeded"), policy)).toBeUndefined();
  });
});
