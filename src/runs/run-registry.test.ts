import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { RunRegistry } from "./run-registry.js";

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

  it("moves state through the transition function and logs each change", async () => {
    const registry = registryIn();
    const run = await registry.create({ name: "s", ...newRun });
    await registry.setState(run.id, "staging");
    await expect(registry.setState(run.id, "succeeded")).rejects.toThrow(/staging to succeeded/);
    await registry.setState(run.id, "placing");
    const types = (await registry.events(run.id)).map((e) => e.type);
    expect(types).toEqual(["created", "state", "state"]);
    expect((await registry.get(run.id)).attempts[0]!.state).toBe("placing");
  });

  it("adds attempts to an ended run, not to a running one", async () => {
    const registry = registryIn();
    const run = await registry.create({ name: "r", ...newRun });
    for (const to of ["staging", "placing", "launching", "running"] as const)
      await registry.setState(run.id, to);
    await expect(registry.addAttempt(run.id, "resume", null)).rejects.toThrow(/running to pending/);
    await registry.setState(run.id, "failed");
    const resumed = await registry.addAttempt(run.id, "retry", {
      step: 20,
      path: "checkpoints/step-20",
    });
    expect(resumed.attempts.map((a) => a.n)).toEqual([1, 2]);
    expect(resumed.restarts).toBe(1);
    expect(resumed.state).toBe("pending");
  });

  it("loses no update when two processes write the same run at once", async () => {
    const registry = registryIn();
    const run = await registry.create({ name: "c", ...newRun });
    // Two real OS processes, each adding 40 labels through read-modify-write and 40 events.
    const writer = (tag: string) =>
      new Promise<number | null>((resolve) => {
        const script = `
          const { RunRegistry } = await import(${JSON.stringify(path.resolve("dist/runs/index.js"))});
          const registry = new RunRegistry(${JSON.stringify(path.dirname(registry.runsDir))});
          for (let i = 0; i < 40; i++) {
            await registry.update(${JSON.stringify(run.id)}, (r) => { r.labels = { ...r.labels, ["${tag}" + i]: "x" }; });
            await registry.appendEvent(${JSON.stringify(run.id)}, { type: "${tag}", message: String(i) });
          }`;
        const child = spawn(process.execPath, ["--input-type=module", "-e", script], {
          stdio: "inherit",
        });
        child.on("close", resolve);
      });
    expect(await Promise.all([writer("a"), writer("b")])).toEqual([0, 0]);
    const final = await registry.get(run.id);
    expect(Object.keys(final.labels ?? {})).toHaveLength(80);
    const events = await registry.events(run.id);
    expect(events.filter((e) => e.type === "a")).toHaveLength(40);
    expect(events.filter((e) => e.type === "b")).toHaveLength(40);
  });
});
