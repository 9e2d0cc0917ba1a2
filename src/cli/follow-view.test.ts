import { describe, expect, it, vi } from "vitest";
import type { FollowOptions, LaunchDeps } from "../launch/index.js";
import { monitorReconnected, monitorUnreachable } from "../monitor/index.js";
import type { MetricLine, RunRecord } from "../runs/index.js";
import type { CommandContext } from "./app.js";
import { fakeTerminal } from "./fake-terminal.js";
import { followInTerminal } from "./follow-view.js";
import { createIo } from "./io.js";

// The core's follower, replaced by a script of what a run reports while it is followed.
const script = vi.hoisted(() => ({
  steps: [] as Array<(deps: LaunchDeps, options: FollowOptions) => void>,
}));
vi.mock("../launch/index.js", () => ({
  async followRun(deps: LaunchDeps, runId: string, options: FollowOptions) {
    for (const step of script.steps) step(deps, options);
    return { ...record(runId), state: "succeeded" };
  },
}));

function record(id: string): RunRecord {
  const attempt = { n: 1, state: "running", host: "gpu-a", gpus: [0] };
  return { id, state: "running", attempts: [attempt] } as unknown as RunRecord;
}

const train = (step: number, loss: number): MetricLine => ({
  ts: 1000 + step,
  step,
  attempt: 1,
  total_steps: 60,
  loss,
  kind: "train",
});

function contextOn(terminal: ReturnType<typeof fakeTerminal>): CommandContext {
  const globals = { json: false, verbose: false, quiet: false };
  const io = createIo(globals, terminal);
  const registry = {
    get: async (id: string) => record(id),
    paths: () => ({ logs: `${terminal.env.LOGS}` }),
  };
  return {
    io,
    globals,
    interrupted: new AbortController().signal,
    launchDeps: async () => ({ registry, reporter: io }) as unknown as LaunchDeps,
  } as unknown as CommandContext;
}

describe("following a run in the terminal", () => {
  it("keeps log lines and warnings whole above the live step line, losses labelled", async () => {
    const terminal = fakeTerminal({ tty: true, columns: 120, env: { LOGS: "/nonexistent" } });
    const ctx = contextOn(terminal);
    ctx.io.logToFile = () => {};
    script.steps = [
      (_, o) => o.onMetric?.(train(9, 5.8)),
      (_, o) => o.onLog?.(Buffer.from("step 9 do")),
      (_, o) => o.onMetric?.(train(10, 4.91)),
      (d) =>
        monitorUnreachable.emit(d.reporter, "gpu-a unreachable for 12 s, retrying", {
          host: "gpu-a",
          seconds: 12,
        }),
      (_, o) => o.onLog?.(Buffer.from("ne\n")),
    ];
    const screenWhileRunning: string[][] = [];
    script.steps.push(() => screenWhileRunning.push(terminal.stderr.screen()));
    script.steps.push((d) =>
      monitorReconnected.emit(d.reporter, "gpu-a reachable again after 14 s", {
        host: "gpu-a",
        seconds: 14,
      }),
    );
    script.steps.push(() => screenWhileRunning.push(terminal.stderr.screen()));

    expect(await followInTerminal(ctx, "r1")).toBe(0);
    const [unreachable, reconnected] = screenWhileRunning;
    expect(unreachable!.slice(0, 2)).toEqual([
      "warn: gpu-a unreachable for 12 s, retrying",
      "step 9 done",
    ]);
    expect(unreachable![2]).toMatch(
      /^\[###-+\] 10\/60 16% \(gpu-a unreachable for 12 s, retrying\) loss 4\.9100 \(ema 5\.7\d+\) /,
    );
    expect(reconnected![3]).not.toContain("unreachable");
    await ctx.io.close();
    expect(terminal.stderr.screen().slice(-2)).toEqual(["run r1 succeeded", ""]);
  });

  it("prints one labelled line per step off a terminal, and no status line", async () => {
    const terminal = fakeTerminal({ tty: false, env: { LOGS: "/nonexistent" } });
    const ctx = contextOn(terminal);
    ctx.io.logToFile = () => {};
    script.steps = [
      (_, o) => o.onMetric?.(train(1, 5.8)),
      (_, o) => o.onLog?.(Buffer.from("trainer chatter\n")),
      (_, o) => o.onMetric?.(train(2, 4.91)),
    ];
    expect(await followInTerminal(ctx, "r2")).toBe(0);
    const lines = terminal.stderr.text.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^step 1\/60 loss 5\.8000 \(ema 5\.8000\) /);
    expect(lines[1]).toMatch(/^step 2\/60 loss 4\.9100 \(ema 5\.7\d+\) /);
    expect(lines[2]).toBe("run r2 succeeded");
    expect(terminal.stderr.text).not.toMatch(/\r|chatter/);
    expect(terminal.stderr.text).not.toContain(String.fromCharCode(27));
  });
});
