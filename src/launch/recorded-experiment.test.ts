import { describe, expect, it } from "vitest";
import type { LaunchDeps } from "./launch-deps.js";
import { recordedExperiment } from "./resume-run.js";

const depsWith = (yaml: string) =>
  ({ registry: { configYaml: () => Promise.resolve(yaml) } }) as unknown as LaunchDeps;
const recorded = "name: t\ndata:\n  train: [{path: /d.jsonl, format: alpaca}]\ntrain:\n";

describe("the recorded experiment of a run being resumed", () => {
  it("is read back through the experiment schema", async () => {
    const experiment = await recordedExperiment(depsWith(`${recorded}  max_steps: 4\n`), "r1");
    expect(experiment.train.max_steps).toBe(4);
  });

  it("is a user error, not a crash, when an older tunectl recorded what is now refused", async () => {
    const error = await recordedExperiment(depsWith(`${recorded}  epochs: 1.5\n`), "r1").catch(
      (caught: unknown) => caught,
    );
    expect(error).toMatchObject({ kind: "user", code: "run.config_outdated" });
    expect((error as Error).message).toMatch(/^run r1's recorded config\.yaml .*train\.epochs: /);
  });
});
