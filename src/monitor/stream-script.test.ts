import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { streamScript } from "./stream-script.js";

// The host side of a stream, run by a real sh: it must end by itself once its channel is gone.
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "tunectl-stream-script-"));
  await writeFile(path.join(dir, "metrics.jsonl"), '{"step": 1}\n');
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function loop(lease: string) {
  const child = spawn(
    "sh",
    [
      "-c",
      streamScript,
      "tunectl-stream",
      "0.05",
      "follow",
      path.join(dir, "metrics.jsonl"),
      "0",
      path.join(dir, "attempt-1.log"),
      "0",
      "1048576",
      "4",
      lease,
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let out = "";
  const firstBeat = new Promise<void>((resolve) =>
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString("latin1");
      if (out.includes("\nH\n")) resolve();
    }),
  );
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  return { child, firstBeat, exited, output: () => out };
}

describe("the stream script on the host", () => {
  it("sends the file's bytes, then heartbeats while idle", async () => {
    const first = loop(path.join(dir, "leases", "a.attempt-1"));
    try {
      await first.firstBeat;
      expect(first.output().startsWith('F m 0 12\n{"step": 1}\n')).toBe(true);
    } finally {
      first.child.kill("SIGKILL");
    }
  });

  it("ends when a newer pass of the same workstation takes its lease", async () => {
    const lease = path.join(dir, "leases", "a.attempt-1");
    const first = loop(lease);
    await first.firstBeat;
    const second = loop(lease);
    try {
      await second.firstBeat;
      expect(await first.exited).toEqual({ code: 0, signal: null });
      // another workstation's loop (another lease) is left alone
      const other = loop(path.join(dir, "leases", "b.attempt-1"));
      await other.firstBeat;
      expect(second.child.exitCode).toBeNull();
      other.child.kill("SIGKILL");
    } finally {
      first.child.kill("SIGKILL");
      second.child.kill("SIGKILL");
    }
  });

  it("ends at its next heartbeat once nobody reads its output", async () => {
    const first = loop(path.join(dir, "leases", "a.attempt-1"));
    try {
      await first.firstBeat;
      first.child.stdout.destroy();
      const { code, signal } = await first.exited;
      // SIGPIPE ends the shell, or the failed write does (exit 0)
      expect(signal === "SIGPIPE" || code === 0).toBe(true);
    } finally {
      first.child.kill("SIGKILL");
    }
  });
});
