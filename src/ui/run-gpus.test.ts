import { describe, expect, it } from "vitest";
import type { GpuRow } from "../monitor/index.js";
import type { RunRecord } from "../runs/index.js";
import { runGpuHost, selectRunGpus } from "./run-gpus.js";

const t0 = "2026-01-01T00:00:00.000Z";
const id = "r-20260101-000000-abcd";
type Attempt = RunRecord["attempts"][number];

function runWith(attempt: Attempt): RunRecord {
  return {
    schema: 2,
    id,
    name: "r",
    created_at: t0,
    updated_at: t0,
    state: attempt.state,
    model: "m",
    image: "i",
    gpus_requested: attempt.gpus?.length ?? 0,
    attempts: [attempt],
    restarts: 0,
  };
}

const running = (gpus: number[]): Attempt => ({
  n: 1,
  reason: "launch",
  created_at: t0,
  state: "running",
  host: "h1",
  gpus,
  runtime: "docker",
  host_dir: "/w/runs/r",
  handle: "c1",
  started_at: t0,
  link: { state: "reachable" },
});

function gpu(host: string, index: number, run_id: string | null): GpuRow {
  return {
    host,
    reachable: true,
    error: null,
    index,
    name: "A100",
    utilization_pct: 50 + index,
    memory_used_mib: 1000 * index,
    memory_total_mib: 81920,
    temperature_c: 40,
    power_w: 200,
    run_id,
  };
}

// h1 has four GPUs: the run holds 1 and 2, another run holds 0, GPU 3 is free
const fleet = [
  gpu("h1", 0, "other-run"),
  gpu("h1", 1, id),
  gpu("h1", 2, id),
  gpu("h1", 3, null),
  gpu("h2", 1, id), // a stale row of another host never counts
];

describe("the GPUs a run holds", () => {
  it("are only its own GPUs on its host, not the host's others", () => {
    const gpus = selectRunGpus(runWith(running([1, 2])), fleet);
    expect(gpus.state).toBe("held");
    if (gpus.state !== "held") return;
    expect(gpus.gpus.map((g) => `${g.host}:${g.index}`)).toEqual(["h1:1", "h1:2"]);
    expect(gpus.gpus[1]).toMatchObject({ utilization_pct: 52, memory_used_mib: 2000 });
  });

  it("include a placed GPU whose lease the probe does not show yet, never another run's", () => {
    const gpus = selectRunGpus(runWith(running([0, 3])), fleet);
    expect(gpus.state === "held" && gpus.gpus.map((g) => g.index)).toEqual([1, 2, 3]);
  });

  it("say a run placed without GPUs is a CPU run", () => {
    const cpu = selectRunGpus(runWith(running([])), [gpu("h2", 0, null)]);
    expect(cpu).toEqual({ state: "cpu", host: "h1" });
  });

  it("are released once the run ended", () => {
    const ended: Attempt = {
      n: 1,
      reason: "launch",
      created_at: t0,
      state: "succeeded",
      host: "h1",
      gpus: [1, 2],
      runtime: "docker",
      host_dir: "/w/runs/r",
      handle: "c1",
      started_at: t0,
      ended_at: t0,
      exit_code: 0,
    };
    expect(selectRunGpus(runWith(ended), fleet)).toEqual({
      state: "released",
      host: "h1",
      gpus: [1, 2],
    });
  });

  it("are not looked up here for a run from the bucket, whose host is another workspace's", () => {
    expect(selectRunGpus(runWith(running([1, 2])), fleet, true)).toEqual({
      state: "remote",
      host: "h1",
      gpus: [1, 2],
    });
  });

  it("name the host when it does not answer", () => {
    const down: GpuRow = { ...gpu("h1", 0, null), reachable: false, index: null, error: "timeout" };
    expect(selectRunGpus(runWith(running([1])), [down])).toEqual({
      state: "unreachable",
      host: "h1",
      gpus: [1],
      error: "timeout",
    });
  });

  it("are none before placement, and no host is probed for them", () => {
    const pending: Attempt = { n: 1, reason: "launch", created_at: t0, state: "pending" };
    expect(runGpuHost(runWith(pending))).toBeNull();
    expect(selectRunGpus(runWith(pending), fleet)).toEqual({ state: "unplaced" });
  });
});
