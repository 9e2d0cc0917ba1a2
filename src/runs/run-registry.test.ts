import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { writeFile } from "node:fs/promises";
import { RunRegistry } from "./run-registry.js";
import { IllegalEventError } from "./run-reducer.js";
import type { Placement } from "./run-record.js";
import { walkToRunning } from "./run-walk.js";

const launcher = { pid: 1, machine: "m" };
const placement: Placement = { host: "h1", gpus: [0], runtime: "docker", host_dir: "/w/runs/x" };

const newRun = { configYaml: "name: t\n", model: "builtin:tiny", image: "img", gpus_requested: 0 };

function registryIn(): RunRegistry {
  return new RunRegistry(
    path.join(mkdtempSync(path.join(tmpdir(), "tunectl-registry-")), ".tunectl"),
  );
}

describe("run registry", () => {
  it("creates readable, unique ids and resolves ids, prefixes, names and last~N", async () => {
    const registry = registryIn();
    const a = await registry.create({ name: "alpha", ...newRun });
    const b = await registry.create({ name: "alpha", ...newRun });
    const c = await registry.create({ name: "beta", ...newRun });
    expect(a.id).toMatch(/^alpha-\d{8}-\d{6}-[0-9a-f]{4}$/);
    expect(new Set([a.id, b.id, c.id]).size).toBe(3);
    expect((await registry.resolve(c.id)).id).toBe(c.id);
    expect((await registry.resolve("beta-")).id).toBe(c.id);
    expect((await registry.resolve("alpha")).id).toBe(b.id); // a name: its latest run
    expect((await registry.resolve("last")).id).toBe(c.id);
    expect((await registry.resolve("last~2")).id).toBe(a.id);
    await expect(registry.resolve("alpha-")).rejects.toMatchObject({
      code: "run.ambiguous",
      kind: "user",
    });
    await expect(registry.resolve("gamma")).rejects.toMatchObject({ code: "run.not_found" });
  });

  it("applies events through the reducer, logs each with its from and to, refuses illegal ones", async () => {
    const registry = registryIn();
    const run = await registry.create({ name: "s", ...newRun });
    await registry.apply(run.id, { type: "staging_started", attempt: 1 });
    await expect(
      registry.apply(run.id, { type: "exited", attempt: 1, exit_code: 0 }),
    ).rejects.toBeInstanceOf(IllegalEventError);
    await registry.apply(run.id, { type: "placing_started", attempt: 1, launcher });
    const events = await registry.events(run.id);
    expect(events.map((e) => e.type)).toEqual(["created", "staging_started", "placing_started"]);
    expect(events[2]!.data).toMatchObject({ from: "staging", to: "placing", launcher });
    const record = await registry.get(run.id);
    expect(record.state).toBe("placing");
    expect(record.attempts[0]!.state).toBe("placing");
    expect(record.schema).toBe(2);
  });

  it("adds attempts to an ended run, not to a running one", async () => {
    const registry = registryIn();
    const run = await registry.create({ name: "r", ...newRun });
    await walkToRunning(registry, run.id, placement);
    const next = {
      type: "attempt_created",
      attempt: 2,
      reason: "resume",
      resume_from: null,
    } as const;
    await expect(registry.apply(run.id, next)).rejects.toBeInstanceOf(IllegalEventError);
    await registry.apply(run.id, { type: "exited", attempt: 1, exit_code: 1 });
    const resumed = await registry.apply(run.id, {
      type: "attempt_created",
      attempt: 2,
      reason: "retry",
      resume_from: { step: 20, path: "checkpoints/step-20" },
    });
    expect(resumed.attempts.map((a) => a.n)).toEqual([1, 2]);
    expect(resumed.restarts).toBe(1);
    expect(resumed.state).toBe("pending");
  });

  it("reads run.json written by the old schema", async () => {
    const registry = registryIn();
    const run = await registry.create({ name: "m", ...newRun });
    const old = {
      ...run,
      schema: 1,
      state: "stopping",
      cancel_requested_at: "2026-01-01T00:00:05.000Z",
      attempts: [
        {
          n: 1,
          state: "stopping",
          reason: "launch",
          host: "h1",
          gpus: [0],
          runtime: "docker",
          handle: "c1",
          host_dir: "/w/runs/x",
          created_at: "2026-01-01T00:00:00.000Z",
          started_at: "2026-01-01T00:00:01.000Z",
          unreachable_since: "2026-01-01T00:00:04.000Z",
        },
      ],
    };
    await writeFile(registry.paths(run.id).record, JSON.stringify(old));
    const read = await registry.get(run.id);
    expect(read.schema).toBe(2);
    expect(read.attempts[0]).toMatchObject({
      state: "stopping",
      stop: { requested_at: "2026-01-01T00:00:05.000Z" },
      link: { state: "unreachable", since: "2026-01-01T00:00:04.000Z" },
    });
    expect(read).not.toHaveProperty("cancel_requested_at");
    // and it moves on from there like any other
    const ended = await registry.apply(run.id, { type: "exited", attempt: 1, exit_code: 75 });
    expect(ended.state).toBe("cancelled");
  });

  it("loses no update when two processes apply events to the same run at once", async () => {
    const registry = registryIn();
    const run = await registry.create({ name: "c", ...newRun });
    // Two real OS processes race to end the current attempt and add the next one, 20 each;
    // the loser of each race is told its attempt was superseded. A lost update would leave
    // fewer attempts or restarts than the attempts both say they added.
    const writer = () =>
      new Promise<number>((resolve, reject) => {
        const script = `
          const runs = await import(${JSON.stringify(path.resolve("dist/runs/index.js"))});
          const registry = new runs.RunRegistry(${JSON.stringify(path.dirname(registry.runsDir))});
          const id = ${JSON.stringify(run.id)};
          let added = 0;
          while (added < 20) {
            const current = (await registry.get(id)).attempts.at(-1);
            try {
              if (current.state === "pending") {
                await registry.apply(id, { type: "cancelled", attempt: current.n, why: "race" });
              } else {
                await registry.apply(id, { type: "attempt_created", attempt: current.n + 1, reason: "retry", resume_from: null });
                added++;
              }
            } catch (error) {
              if (!(error instanceof runs.AttemptSupersededError)) throw error;
            }
          }
          process.stdout.write(String(added));`;
        const child = spawn(process.execPath, ["--input-type=module", "-e", script], {
          stdio: ["ignore", "pipe", "inherit"],
        });
        let out = "";
        child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
        child.on("close", (code) =>
          code === 0 ? resolve(Number(out)) : reject(new Error(`exit ${code}`)),
        );
      });
    const added = await Promise.all([writer(), writer()]);
    expect(added).toEqual([20, 20]);
    const final = await registry.get(run.id);
    expect(final.attempts).toHaveLength(41);
    expect(final.restarts).toBe(40);
    expect(final.attempts.map((a) => a.n)).toEqual(final.attempts.map((_, i) => i + 1));
    const events = await registry.events(run.id);
    expect(events.filter((e) => e.type === "attempt_created")).toHaveLength(40);
  });
});
