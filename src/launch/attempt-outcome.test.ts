import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LocalHost } from "../hosts/index.js";
import { attemptOutcome } from "./attempt-outcome.js";
import { layoutFromRunDir, type HostLayout } from "./host-layout.js";

let root: string;
let layout: HostLayout;
let host: LocalHost;

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), "tunectl-outcome-"));
  layout = layoutFromRunDir(path.join(root, "runs", "r1"));
  mkdirSync(path.dirname(layout.attemptLog(1)), { recursive: true });
  host = new LocalHost("h1", root);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const status = (value: unknown) => writeFileSync(layout.status, JSON.stringify(value));

describe("attemptOutcome", () => {
  it("takes the trainer's own code for a diverged run, not a log pattern's", async () => {
    status({
      state: "failed",
      step: 3,
      attempt: 1,
      error: "training diverged at step 3: loss is nan",
      code: "trainer.diverged",
      details: { step: 3, what: "loss", value: "nan" },
    });
    writeFileSync(layout.attemptLog(1), "ModuleNotFoundError: No module named 'x'\n");
    const outcome = await attemptOutcome(host, layout, 1, 1);
    expect(outcome.step).toBe(3);
    expect(outcome.error).toEqual({
      code: "trainer.diverged",
      message: "training diverged at step 3: loss is nan",
    });
  });

  it("names a status.json that breaks the contract instead of trusting it", async () => {
    status({ state: "exploded", step: -1 });
    const outcome = await attemptOutcome(host, layout, 1, 2);
    expect(outcome.error?.code).toBe("trainer.failed");
    expect(outcome.error?.message).toMatch(/status\.json breaks the trainer contract/);
  });

  it("reads exit 75 without a cancel as a stop from outside tunectl", async () => {
    status({ state: "stopped", step: 5, attempt: 1 });
    expect(await attemptOutcome(host, layout, 1, 75)).toMatchObject({
      exitCode: 75,
      step: 5,
      error: { code: "trainer.stopped" },
    });
  });
});
