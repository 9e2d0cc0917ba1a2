import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { acquireStreamLock } from "./stream-lock.js";

const dir = mkdtempSync(path.join(tmpdir(), "tunectl-stream-lock-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the stream lock", () => {
  it("lets one of many streamers of an attempt stream, and names the holder to the others", async () => {
    const file = path.join(dir, "attempt-1.lock");
    const tries = await Promise.all(Array.from({ length: 8 }, () => acquireStreamLock(file)));
    const holders = tries.filter((t) => "release" in t);
    expect(holders).toHaveLength(1);
    expect(tries.filter((t) => "heldBy" in t)).toEqual(Array(7).fill({ heldBy: process.pid }));
    await (holders[0] as { release(): Promise<void> }).release();
    const next = await acquireStreamLock(file);
    expect("release" in next).toBe(true);
    if ("release" in next) await next.release();
  });

  it("is taken over from a streamer that was killed", async () => {
    const file = path.join(dir, "attempt-2.lock");
    const pid = Number(
      spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], {
        encoding: "utf8",
      }).stdout,
    );
    writeFileSync(`${file}.3`, `${JSON.stringify({ pid, host: hostname() })}\n`);
    const tries = await Promise.all(Array.from({ length: 4 }, () => acquireStreamLock(file)));
    expect(tries.filter((t) => "release" in t)).toHaveLength(1);
  });
});
