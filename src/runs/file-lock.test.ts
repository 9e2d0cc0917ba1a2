// The file lock under real contention: acquirers in one process and in eight child processes
// doing read-modify-write on one counter, and stale locks (a dead holder, a reused pid)
// taken over by many waiters at once, exactly one of them at a time.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { readFile, rm, utimes, writeFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import path from "node:path";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tryFileLock, withFileLock } from "./file-lock.js";

const dir = mkdtempSync(path.join(tmpdir(), "tunectl-lock-"));
const bundle = path.join(dir, "file-lock.mjs");
const child = path.join(dir, "child.mjs");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Each child takes the lock `rounds` times; inside, it claims an O_EXCL "inside" file (a
// second holder at the same moment fails to) and adds one to the counter.
const childSource = `
import { open, readFile, rm, writeFile } from "node:fs/promises";
const { withFileLock } = await import(process.argv[2]);
const [, , , lock, counter, inside, rounds] = process.argv;
let overlaps = 0;
for (let i = 0; i < Number(rounds); i++) {
  await withFileLock(lock, async () => {
    const mark = await open(inside, "wx").catch(() => undefined);
    if (!mark) overlaps += 1;
    const n = Number(await readFile(counter, "utf8"));
    await new Promise((resolve) => setImmediate(resolve));
    await writeFile(counter, String(n + 1));
    if (mark) { await mark.close(); await rm(inside); }
  }, { timeoutMs: 60000 });
}
process.stdout.write(JSON.stringify({ overlaps }));
`;

beforeAll(async () => {
  await build({
    entryPoints: [path.join(import.meta.dirname, "file-lock.ts")],
    bundle: true,
    platform: "node",
    format: "esm",
    outfile: bundle,
    logLevel: "silent",
  });
  writeFileSync(child, childSource);
});

function runChildren(count: number, lock: string, counter: string, rounds: number) {
  const inside = `${counter}.inside`;
  return Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<{ code: number | null; overlaps: number }>((resolve) => {
          const proc = spawn(process.execPath, [child, bundle, lock, counter, inside, `${rounds}`]);
          let out = "";
          proc.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
          proc.on("close", (code) =>
            resolve({
              code,
              overlaps: out ? (JSON.parse(out) as { overlaps: number }).overlaps : -1,
            }),
          );
        }),
    ),
  );
}

/** The pid of a process that has exited: a holder that died holding the lock. */
function deadPid(): number {
  const exited = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], {
    encoding: "utf8",
  });
  return Number(exited.stdout);
}

describe("the file lock", () => {
  it("gives one holder at a time to many acquirers in one process", async () => {
    const lock = path.join(dir, "in-process.lock");
    let inside = 0;
    let most = 0;
    let count = 0;
    await Promise.all(
      Array.from({ length: 40 }, () =>
        withFileLock(lock, async () => {
          inside += 1;
          most = Math.max(most, inside);
          await new Promise((resolve) => setImmediate(resolve));
          count += 1;
          inside -= 1;
        }),
      ),
    );
    expect({ most, count }).toEqual({ most: 1, count: 40 });
    // at rest: one generation file, released
    const left = readdirSync(dir).filter((name) => name.startsWith("in-process.lock"));
    expect(left).toHaveLength(1);
    expect(readFileSync(path.join(dir, left[0]!), "utf8")).toContain("released");
  });

  // Eight node processes starting on a shared machine: bounded generously, not timed.
  it(
    "loses no update from eight processes doing read-modify-write under it",
    { timeout: 120_000 },
    async () => {
      const lock = path.join(dir, "counter.lock");
      const counter = path.join(dir, "counter");
      await writeFile(counter, "0");
      const results = await runChildren(8, lock, counter, 15);
      expect(results.map((r) => r.code)).toEqual(Array(8).fill(0));
      expect(results.reduce((sum, r) => sum + r.overlaps, 0)).toBe(0);
      expect(Number(await readFile(counter, "utf8"))).toBe(120);
    },
  );

  it(
    "is taken over from a dead holder by eight waiters, one at a time",
    { timeout: 120_000 },
    async () => {
      const lock = path.join(dir, "stale.lock");
      const counter = path.join(dir, "stale-counter");
      await writeFile(counter, "0");
      await writeFile(`${lock}.7`, `${JSON.stringify({ pid: deadPid(), host: hostname() })}\n`);
      const results = await runChildren(8, lock, counter, 3);
      expect(results.map((r) => r.code)).toEqual(Array(8).fill(0));
      expect(results.reduce((sum, r) => sum + r.overlaps, 0)).toBe(0);
      expect(Number(await readFile(counter, "utf8"))).toBe(24);
      expect(readdirSync(dir).filter((name) => name === "stale.lock.7")).toEqual([]);
    },
  );

  it("takes over a lock whose pid lives but started at another time (a reused pid)", async () => {
    const lock = path.join(dir, "reused.lock");
    const holder = { pid: process.ppid, host: hostname(), start: "1" };
    await writeFile(`${lock}.1`, `${JSON.stringify(holder)}\n`);
    const taken = await tryFileLock(lock);
    expect("held" in taken).toBe(true);
    if ("held" in taken) await taken.held.release();
  });

  it("waits for a live holder, and reports it", async () => {
    const lock = path.join(dir, "live.lock");
    const first = await tryFileLock(lock);
    if (!("held" in first)) throw new Error("the first acquirer must get the lock");
    const second = await tryFileLock(lock);
    expect(second).toEqual({ heldBy: expect.objectContaining({ pid: process.pid }) });
    const waits: number[] = [];
    const later = withFileLock(lock, async () => "mine", { onWait: (h) => waits.push(h.pid) });
    await new Promise((resolve) => setTimeout(resolve, 50));
    await first.held.release();
    expect(await later).toBe("mine");
    expect(waits).toEqual([process.pid]);
    await expect(
      withFileLock(lock, async () => withFileLock(lock, async () => 1, { timeoutMs: 30 })),
    ).rejects.toMatchObject({ code: "lock.timeout" });
  });

  it("counts a holder on another machine as gone only when its heartbeat stops", async () => {
    const lock = path.join(dir, "remote.lock");
    const file = `${lock}.1`;
    await writeFile(file, `${JSON.stringify({ pid: 1, host: "another-machine" })}\n`);
    expect(await tryFileLock(lock, 60_000)).toEqual({
      heldBy: { pid: 1, host: "another-machine" },
    });
    const old = new Date(Date.now() - 120_000);
    await utimes(file, old, old);
    const taken = await tryFileLock(lock, 60_000);
    expect("held" in taken).toBe(true);
    if ("held" in taken) await taken.held.release();
    await rm(file, { force: true });
  });
});
