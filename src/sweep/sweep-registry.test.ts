import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { isTunectlError } from "../errors/index.js";
import { loadSweepSpec } from "./load-sweep.js";
import { SweepRegistry } from "./sweep-registry.js";

function workspace(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "tunectl-sweep-registry-"));
  writeFileSync(
    path.join(dir, "exp.yaml"),
    "name: t\ndata:\n  train: [{path: d.jsonl, format: alpaca}]\n",
  );
  writeFileSync(
    path.join(dir, "s.yaml"),
    "experiment: exp.yaml\nmethod: tpe\nparameters:\n  lora.r: {min: 4, max: 8, int: true}\nbudget: {trials: 9}\n",
  );
  return dir;
}

describe("sweep registry", () => {
  it("keeps every trial when many writers add at once", async () => {
    const cwd = workspace();
    const sweep = await loadSweepSpec("s.yaml", { cwd, env: {} });
    const registry = new SweepRegistry(path.join(cwd, ".tunectl"));
    await registry.register(sweep);
    const ids = Array.from({ length: 12 }, (_, i) => `trial${String(i).padStart(7, "0")}`);
    await Promise.all(
      ids.map((id, i) =>
        new SweepRegistry(path.join(cwd, ".tunectl")).addTrials(sweep.id, [
          { id, params: { "lora.r": 4 + (i % 5) }, optuna_trial: i },
        ]),
      ),
    );
    const record = await registry.get(sweep.id);
    expect(record.trials.map((t) => t.id).sort()).toEqual(ids);
    // registering again (a restart) keeps what was asked
    await registry.register(sweep);
    expect((await registry.get(sweep.id)).trials).toHaveLength(12);
    expect((await registry.resolve(undefined)).id).toBe(sweep.id);
    expect((await registry.resolve("s")).id).toBe(sweep.id);
  });

  it("refuses a sweep.json that is not one, naming the file", async () => {
    const cwd = workspace();
    const sweep = await loadSweepSpec("s.yaml", { cwd, env: {} });
    const registry = new SweepRegistry(path.join(cwd, ".tunectl"));
    await registry.register(sweep);
    writeFileSync(path.join(registry.dir(sweep.id), "sweep.json"), "{not json");
    const error = await registry.get(sweep.id).catch((e: unknown) => e);
    expect(isTunectlError(error) && error.code).toBe("sweep.record_invalid");
  });
});
