// Real faults against the streamer: a cut link, a SIGKILLed tunectl. The host's files live on
// this machine's filesystem (the testbed hosts are network namespaces), so "byte-identical"
// is checked by reading both sides directly.
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadTestbed } from "../setup/testbed.js";
import {
  builtCode,
  runOnHost,
  startStreamChild,
  waitFor,
  writerScript,
} from "./monitor-testbed.js";

const tb = loadTestbed();

function steps(text: string): number[] {
  return text
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => (JSON.parse(line) as { step: number }).step);
}

async function expectIdentical(registryDir: string, runId: string, hostDir: string, lines: number) {
  const localMetrics = await readFile(path.join(registryDir, "runs", runId, "metrics.jsonl"));
  const localLog = await readFile(path.join(registryDir, "runs", runId, "logs", "attempt-1.log"));
  expect(localMetrics.equals(await readFile(path.join(hostDir, "output", "metrics.jsonl")))).toBe(
    true,
  );
  expect(
    localLog.equals(await readFile(path.join(hostDir, "output", "logs", "attempt-1.log"))),
  ).toBe(true);
  const localGenerations = await readFile(
    path.join(registryDir, "runs", runId, "generations.jsonl"),
  );
  expect(
    localGenerations.equals(await readFile(path.join(hostDir, "output", "generations.jsonl"))),
  ).toBe(true);
  expect(steps(localGenerations.toString())).toEqual(
    Array.from({ length: Math.ceil(lines / 10) }, (_, i) => i * 10),
  );
  // no line lost or doubled
  expect(steps(localMetrics.toString())).toEqual(Array.from({ length: lines }, (_, i) => i));
}

beforeAll(async () => {
  await builtCode();
});

describe("streaming on the testbed", () => {
  it("a 10 s cut of h1's link mid-run: local files byte-identical at the end", async () => {
    const lines = 800; // ~20 s at one line per 20 ms (plus the shell's own time)
    const { stateDir, runId, hostDir } = await runOnHost(tb, "h1");
    const stream = await startStreamChild(tb, stateDir, runId, "h1", hostDir);
    try {
      expect((await tb.ssh("h1", writerScript(hostDir, lines, 20))).code).toBe(0);
      await new Promise((resolve) => setTimeout(resolve, 4_000));
      await tb.cut("h1");
      try {
        await new Promise((resolve) => setTimeout(resolve, 10_000));
      } finally {
        await tb.restore("h1");
      }
      await waitFor(() => existsSync(path.join(hostDir, "output", "writer.done")), 60_000);
      stream.child.kill("SIGTERM");
      expect(await stream.exited).toBe(0);
    } finally {
      stream.child.kill("SIGKILL");
    }
    await expectIdentical(stateDir, runId, hostDir, lines);
    const codes = stream.events.map((event) => event.code);
    expect(codes).toContain("monitor.unreachable");
    expect(codes).toContain("monitor.reconnected");
    expect(stream.events.find((e) => e.code === "monitor.unreachable")!.message).toMatch(
      /^h1 unreachable for \d+ s, retrying$/,
    );
  });

  it("a SIGKILLed streamer restarted mid-run continues exactly", async () => {
    const lines = 500;
    const { stateDir, runId, hostDir } = await runOnHost(tb, "h2");
    expect((await tb.ssh("h2", writerScript(hostDir, lines, 20))).code).toBe(0);
    const first = await startStreamChild(tb, stateDir, runId, "h2", hostDir);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    first.child.kill("SIGKILL");
    await first.exited;
    const partial = await readFile(path.join(stateDir, "runs", runId, "metrics.jsonl"));
    expect(partial.length).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const second = await startStreamChild(tb, stateDir, runId, "h2", hostDir);
    try {
      await waitFor(() => existsSync(path.join(hostDir, "output", "writer.done")), 60_000);
      second.child.kill("SIGTERM");
      expect(await second.exited).toBe(0);
    } finally {
      second.child.kill("SIGKILL");
    }
    await expectIdentical(stateDir, runId, hostDir, lines);
  });
});
