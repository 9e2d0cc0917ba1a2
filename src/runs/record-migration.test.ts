import { describe, expect, it } from "vitest";
import { migrateRecord } from "./record-migration.js";

const t = "2026-01-01T00:00:00.000Z";
function v1(attempts: unknown[], extra: Record<string, unknown> = {}) {
  const last = attempts.at(-1) as { state: string };
  return {
    schema: 1,
    id: "r-20260101-000000-abcd",
    name: "r",
    created_at: t,
    updated_at: "2026-01-01T00:10:00.000Z",
    state: last.state,
    model: "m",
    image: "i",
    gpus_requested: 0,
    restarts: 0,
    attempts,
    ...extra,
  };
}
const placed = { host: "h1", gpus: [0], runtime: "docker", host_dir: "/w/runs/r" };

describe("run.json schema 1 -> 2", () => {
  it("drops the placement fields schema 1 kept empty on attempts that were not placed", () => {
    const run = migrateRecord(
      v1([{ n: 1, state: "pending", reason: "launch", gpus: [], created_at: t }]),
      "run.json",
    );
    expect(run.schema).toBe(2);
    expect(run.attempts[0]).toEqual({ n: 1, state: "pending", reason: "launch", created_at: t });
  });

  it("turns flags into sub-states: a reachable running attempt gets its link", () => {
    const run = migrateRecord(
      v1([
        {
          n: 1,
          state: "running",
          reason: "launch",
          ...placed,
          handle: "c",
          created_at: t,
          started_at: t,
          unreachable_since: null,
          exit_code: null,
        },
      ]),
      "run.json",
    );
    expect(run.attempts[0]).toEqual({
      n: 1,
      state: "running",
      reason: "launch",
      ...placed,
      handle: "c",
      created_at: t,
      started_at: t,
      link: { state: "reachable" },
    });
  });

  it("gives ended attempts what their variant needs: a lost cause, an end time, an error", () => {
    const run = migrateRecord(
      v1([
        { n: 1, state: "failed", reason: "launch", gpus: [], created_at: t },
        {
          n: 2,
          state: "lost",
          reason: "retry",
          ...placed,
          created_at: t,
          error: { code: "run.lost", message: "gone" },
        },
      ]),
      "run.json",
    );
    expect(run.attempts[0]).toMatchObject({
      state: "failed",
      ended_at: run.updated_at,
      error: { code: "run.failed" },
    });
    expect(run.attempts[1]).toMatchObject({
      state: "lost",
      lost_cause: "gone",
      error: { code: "run.lost" },
    });
  });

  it("refuses a schema it does not know, naming the file", () => {
    expect(() => migrateRecord({ schema: 3 }, "/x/run.json")).toThrow(
      /\/x\/run.json: run record schema 3/,
    );
  });
});
