// Run creation under contention: many creators of one name in the same second (a sweep) get
// distinct ids, each with a whole record; a listing taken meanwhile does not fail on a run
// still being created.
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { Clock } from "../report/index.js";
import { RunRegistry } from "./run-registry.js";

const newRun = { configYaml: "name: t\n", model: "builtin:tiny", image: "img", gpus_requested: 0 };
const frozen: Clock = { now: () => new Date("2026-01-02T03:04:05Z"), sleep: async () => {} };

describe("creating runs at once", () => {
  it("gives 300 creators of one name in one second 300 ids and 300 whole records", async () => {
    const stateDir = path.join(mkdtempSync(path.join(tmpdir(), "tunectl-create-")), ".tunectl");
    const registry = new RunRegistry(stateDir, frozen);
    const created = await Promise.all([
      ...Array.from({ length: 300 }, () => registry.create({ name: "sweep", ...newRun })),
      ...Array.from({ length: 5 }, async () => void (await registry.list())),
    ]);
    const ids = created.filter((run) => run !== undefined).map((run) => run.id);
    expect(new Set(ids).size).toBe(300);
    for (const id of ids) expect(id).toMatch(/^sweep-20260102-030405-[0-9a-f]{4}$/);
    const dirs = readdirSync(path.join(stateDir, "runs"));
    expect(dirs.sort()).toEqual([...ids].sort());
    for (const dir of dirs) {
      const record = JSON.parse(readFileSync(path.join(stateDir, "runs", dir, "run.json"), "utf8"));
      expect(record).toMatchObject({ id: dir, state: "pending" });
    }
    expect((await registry.list()).length).toBe(300);
  });
});
